fn main() -> std::process::ExitCode {
    extharness::main()
}
