//! Finds libwhsig through pkg-config (the binary, run directly: no pkg-config crate, since the crate
//! has no dependencies) and tells cargo how to link it.
//!
//! Install the library with `scripts/install-c-library PREFIX`, then build with
//! `PKG_CONFIG_PATH=PREFIX/lib/pkgconfig`. The crate's own tests and examples get an rpath to the
//! library's directory; a program that depends on the crate sets its own (or LD_LIBRARY_PATH).

use std::env;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG");
    println!("cargo:rerun-if-changed=build.rs");
    let program = env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".to_string());
    let output = match Command::new(&program).args(["--libs", "whsig"]).output() {
        Ok(output) => output,
        Err(error) => panic!(
            "cannot run {program}: {error}; install pkg-config (apt install pkg-config) or set PKG_CONFIG"
        ),
    };
    if !output.status.success() {
        panic!(
            "{program} --libs whsig failed: {}\nInstall libwhsig with scripts/install-c-library PREFIX and set \
             PKG_CONFIG_PATH=PREFIX/lib/pkgconfig",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let flags = String::from_utf8(output.stdout).expect("pkg-config printed text that is not UTF-8");
    let mut linked = false;
    for flag in flags.split_whitespace() {
        if let Some(directory) = flag.strip_prefix("-L") {
            println!("cargo:rustc-link-search=native={directory}");
            // For this crate's tests and examples only (link-arg does not reach dependents).
            println!("cargo:rustc-link-arg=-Wl,-rpath,{directory}");
            println!("cargo:lib_dir={directory}");
        } else if let Some(library) = flag.strip_prefix("-l") {
            println!("cargo:rustc-link-lib=dylib={library}");
            linked |= library == "whsig";
        }
    }
    if !linked {
        panic!("{program} --libs whsig printed no -lwhsig: {flags}");
    }
}
