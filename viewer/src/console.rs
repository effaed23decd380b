//! Log output: warnings and errors (bevy's and ours through `tracing`, wgpu's and naga's through
//! `log`) and the viewer's own notes, written to the browser's console or, on the desktop, to
//! stderr. A small subscriber instead of bevy's `LogPlugin` and its filter.

use std::fmt::Write as _;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// Sends `tracing` events and `log` records to the console; installed once, before the app
/// starts.
pub fn install() {
    // Both fail only when a logger is already set (a second app in one process): keep that one.
    tracing::subscriber::set_global_default(Console).ok();
    if log::set_logger(&Console).is_ok() {
        log::set_max_level(log::LevelFilter::Warn);
    }
}

struct Console;

/// Warnings and errors from everywhere, notes from the viewer itself.
fn wanted(level: Level, target: &str) -> bool {
    level <= Level::WARN || (level <= Level::INFO && target.starts_with("disan"))
}

impl Subscriber for Console {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        // Spans are never entered here, so none is wanted: every span gets the same id.
        metadata.is_event() && wanted(*metadata.level(), metadata.target())
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::INFO)
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let metadata = event.metadata();
        let mut line = Line(format!("{} {}:", metadata.level(), metadata.target()));
        event.record(&mut line);
        write_line(*metadata.level(), &line.0);
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

impl log::Log for Console {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        wanted(level(metadata.level()), metadata.target())
    }

    fn log(&self, record: &log::Record<'_>) {
        let level = level(record.level());
        if wanted(level, record.target()) {
            write_line(
                level,
                &format!("{level} {}: {}", record.target(), record.args()),
            );
        }
    }

    fn flush(&self) {}
}

fn level(level: log::Level) -> Level {
    match level {
        log::Level::Error => Level::ERROR,
        log::Level::Warn => Level::WARN,
        log::Level::Info => Level::INFO,
        log::Level::Debug => Level::DEBUG,
        log::Level::Trace => Level::TRACE,
    }
}

/// An event as one line of text: the message, then the other fields as `name=value`.
struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            write!(self.0, " {value:?}").ok();
        } else {
            write!(self.0, " {}={value:?}", field.name()).ok();
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn write_line(level: Level, line: &str) {
    let line = wasm_bindgen::JsValue::from_str(line);
    match level {
        Level::ERROR => web_sys::console::error_1(&line),
        Level::WARN => web_sys::console::warn_1(&line),
        _ => web_sys::console::info_1(&line),
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn write_line(_: Level, line: &str) {
    eprintln!("{line}");
}
