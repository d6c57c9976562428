pub mod diagnostic;
pub use diagnostic::{Diagnostic, FileReport, Fix, Label, Severity, Summary, Suppression};
