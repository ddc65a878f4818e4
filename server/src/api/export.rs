//! The audit export's CSV: one row per event, cells quoted as RFC 4180 says, and a cell that
//! a spreadsheet would run as a formula made inert.

use super::types::rfc3339;
use directory::audit_search::AuditEvent;

pub const CSV_HEADER: &str = "id,at,actor,on_behalf_of,action,target,ip,user_agent,details\r\n";

pub fn csv_row(out: &mut String, event: &AuditEvent) {
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
