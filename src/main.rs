use std::process::ExitCode;

fn main() -> ExitCode {
    // clap answers --help and --version here, before any config, .env or
    // runtime is touched.
    let cli = <yap::cli::Cli as clap::Parser>::parse();
    yap::app::run(cli)
}
