//! The `qingdan` command: see `docs/cli.md`.

fn main() {
    std::process::exit(qingdan_core::cli::main());
}
