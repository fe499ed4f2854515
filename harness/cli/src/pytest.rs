//! `extharness pytest`: the command line side of the pytest leak gate.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::Args;

#[derive(Args)]
pub struct PytestArgs {
    /// The interpreter that runs pytest.
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
    /// Arguments passed to pytest as they are.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub pytest_args: Vec<OsString>,
}

pub fn run(_args: PytestArgs) -> anyhow::Result<u8> {
    anyhow::bail!("extharness pytest is not written yet")
}
