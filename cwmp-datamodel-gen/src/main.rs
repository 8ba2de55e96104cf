//! `cwmp-datamodel-gen <data-model.xml>`: writes the compact schema to standard output.

use std::io::Write as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: cwmp-datamodel-gen <tr-xxx-full.xml> > out.schema");
        return ExitCode::from(2);
    };
    let xml = match std::fs::read_to_string(&path) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{}: {e}", path.to_string_lossy());
            return ExitCode::FAILURE;
        }
    };
    match cwmp_datamodel_gen::generate(&xml) {
        Ok(schema) => {
            if let Err(e) = std::io::stdout().lock().write_all(schema.as_bytes()) {
                eprintln!("writing the schema: {e}");
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", path.to_string_lossy());
            ExitCode::FAILURE
        }
    }
}
