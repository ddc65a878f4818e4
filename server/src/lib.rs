//! The `gatehouse` server: configuration, command line, web server and session store.

#![recursion_limit = "256"]

pub mod api;
pub mod cli;
pub mod config;
pub mod keys;
pub mod mailer;
pub mod session_store;
pub mod web;
