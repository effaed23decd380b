//! The desktop viewer: `cargo run -p disan-viewer -- <slug>` against a running server
//! (`DISAN_SERVER`, default `http://127.0.0.1:8080`).

fn main() {
    disan_viewer::app().run();
}
