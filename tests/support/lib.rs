//! Workspace-level test support
