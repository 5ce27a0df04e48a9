//! Rebuilds the crate when a migration is added: `sqlx::migrate!` embeds the folders at compile
//! time, and a new file in them would otherwise go unnoticed until another change.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
