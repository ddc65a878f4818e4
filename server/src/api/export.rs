//! The audit export's two file formats: a JSON array of rows, or CSV with one row per event,
//! cells quoted as RFC 4180 says and a cell a spreadsheet would run as a formula made inert.

use super::types::{AuditOut, rfc3339};
use directory::audit_search::AuditEvent;

const CSV_HEADER: &str = "id,at,actor,on_behalf_of,action,target,ip,user_agent,details\r\n";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub fn parse(name: Option<&str>) -> Result<Self, directory::Error> {
        match name {
            None | Some("csv") => Ok(Self::Csv),
            Some("json") => Ok(Self::Json),
            Some(_) => Err(directory::Error::invalid("format", "Choose csv or json.")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
        }
    }

    pub fn disposition(self) -> &'static str {
        match self {
            Self::Csv => "attachment; filename=\"audit.csv\"",
            Self::Json => "attachment; filename=\"audit.json\"",
        }
    }

    /// What the file starts with.
    pub fn opening(self) -> &'static str {
        match self {
            Self::Csv => CSV_HEADER,
            Self::Json => "[",
        }
    }

    pub fn closing(self) -> &'static str {
        match self {
            Self::Csv => "",
            Self::Json => "]",
        }
    }

    /// Adds one event; `first` says whether it is the file's first row.
    pub fn row(self, out: &mut String, event: &AuditEvent, first: bool) {
        match self {
            Self::Csv => csv_row(out, event),
            Self::Json => {
                if !first {
                    out.push(',');
                }
                let row = serde_json::to_string(&AuditOut::from(event.clone()));
                out.push_str(&row.unwrap_or_default());
            }
        }
    }
}

fn csv_row(out: &mut String, event: &AuditEvent) {
    let cells = [
        event.id.to_string(),
        rfc3339(event.at),
        event.actor.clone().unwrap_or_default(),
        event.on_behalf_of.clone().unwrap_or_default(),
        event.action.clone(),
        event.target.clone().unwrap_or_default(),
        event.ip.clone().unwrap_or_default(),
        event.user_agent.clone().unwrap_or_default(),
        event.details.to_string(),
    ];
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, cell);
    }
    out.push_str("\r\n");
}

fn push_cell(out: &mut String, cell: &str) {
    // Names and user agents are chosen by whoever signs up: `=HYPERLINK(…)` must stay text.
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    out.push('"');
    if formula {
        out.push('\'');
    }
    out.push_str(&cell.replace('"', "\"\""));
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_made_inert() {
        let mut out = String::new();
        push_cell(&mut out, "say \"hi\", then");
        assert_eq!(out, "\"say \"\"hi\"\", then\"");
        let mut out = String::new();
        push_cell(&mut out, "=HYPERLINK(\"x\")");
        assert!(out.starts_with("\"'="), "{out}");
    }
}
