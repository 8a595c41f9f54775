use std::process::ExitCode;

fn main() -> ExitCode {
    yap::app::main()
}
