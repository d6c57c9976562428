use super::{EXIT_ERROR, EXIT_OK};
use crate::workspace::config::STARTER;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Overwrite an existing config file.
    #[arg(long)]
    pub force: bool,
    /// Where to write the file.
    #[arg(long, default_value = ".inboxlint.yaml")]
    pub path: PathBuf,
}

pub fn run(args: InitArgs) -> u8 {
    if args.path.exists() && !args.force {
        eprintln!(
            "error: {} already exists (use --force to overwrite)",
            args.path.display()
        );
        return EXIT_ERROR;
    }
    match crate::atomic_write::write(&args.path, STARTER.as_bytes()) {
        Ok(()) => {
            println!("wrote {}", args.path.display());
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", args.path.display());
            EXIT_ERROR
        }
    }
}
