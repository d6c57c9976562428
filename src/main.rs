fn main() -> std::process::ExitCode {
    inboxlint::cli::main()
}
