//! The documentation stays true to the code: every configuration variable is in the README's
//! tables and in `.env.example`.

use clap::{CommandFactory, Parser};

#[derive(Parser)]
struct Everything {
    #[command(flatten)]
    api: api::config::ApiConfig,
}

#[test]
fn every_configuration_variable_is_documented() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let example = std::fs::read_to_string(format!("{root}/.env.example")).unwrap();
    let variables: Vec<String> = Everything::command()
        .get_arguments()
        // A hidden one is a replaced setting that is refused, not one to configure.
        .filter(|arg| !arg.is_hide_set())
        .filter_map(|arg| arg.get_env().map(|env| env.to_string_lossy().into_owned()))
        .collect();
    assert!(variables.len() > 40, "found {} variables", variables.len());
    for variable in variables {
        assert!(
            readme.contains(&format!("`{variable}`")),
            "{variable} is not in the README"
        );
        assert!(
            example.contains(&format!("{variable}=")),
            "{variable} is not in .env.example"
        );
    }
}
