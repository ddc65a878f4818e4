//! Widgets shared by the pages: layout, form parts, tables, empty states.

pub mod codes;
pub mod confirm;
pub mod copy;
pub mod form;
pub mod layout;
pub mod widgets;
