//! `inboxlint completions SHELL` and `inboxlint man`: shell completions and man pages made
//! from the same clap definition as the parser, so they never drift from the real flags.

use super::{Cli, EXIT_ERROR, EXIT_OK};
use clap::CommandFactory;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write inboxlint.1 and a page per command (inboxlint-check.1, ...) into DIR instead of
    /// printing inboxlint.1.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs) -> u8 {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "inboxlint", &mut out);
    write_stdout(&out)
}

pub fn man(args: ManArgs) -> u8 {
    let cmd = Cli::command();
    if let Some(dir) = args.dir {
        let written = std::fs::create_dir_all(&dir).and_then(|()| clap_mangen::generate_to(cmd, &dir));
        return match written {
            Ok(()) => EXIT_OK,
            Err(e) => {
                eprintln!("error: cannot write man pages to {}: {e}", dir.display());
                EXIT_ERROR
            }
        };
    }
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(cmd).render(&mut out) {
        eprintln!("error: cannot render the man page: {e}");
        return EXIT_ERROR;
    }
    write_stdout(&out)
}

fn write_stdout(bytes: &[u8]) -> u8 {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    // A closed pipe (`| head`) is the reader's choice, not a failure.
    let _ = lock.write_all(bytes).and_then(|()| lock.flush());
    EXIT_OK
}
