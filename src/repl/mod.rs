//! The interactive chat's terminal side: the line editor ([`editor`]),
//! the slash commands ([`command`]) and the turns shown when a
//! conversation is resumed ([`recap`]). No request is made here:
//! `cmd/interactive.rs` wires these to exchanges.

pub mod command;
pub mod editor;
pub mod recap;
