fn main() -> std::process::ExitCode {
    extinspect::main()
}
