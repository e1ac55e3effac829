//! The operating characteristic as an SVG chart: one panel per rule and compared rule, one line
//! per sample size, the share of tutors flagged (or critical) against the true rate.

use std::fmt::Write;

use worker::scoring::{FlagCode, ScoringConfig};

use crate::{Cell, RULE_NAMES, SIZES, code_name, lines, rows};

const PANEL_W: f64 = 230.0;
const PANEL_H: f64 = 170.0;
const LEFT: f64 = 60.0;
const TOP: f64 = 70.0;
const GAP_X: f64 = 40.0;
const GAP_Y: f64 = 70.0;
/// One colour per sample size, light (few sessions) to dark (many).
const COLOURS: [&str; 7] = [
    "#d9d9d9", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b",
];

fn x_of(multiple: f64) -> f64 {
    let (lo, hi) = (0.5_f64.ln(), 3.0_f64.ln());
    (multiple.ln() - lo) / (hi - lo) * PANEL_W
}

fn y_of(share: f64) -> f64 {
    PANEL_H - share / 100.0 * PANEL_H
}

pub fn operating_characteristic(cells: &[Cell], config: &ScoringConfig, critical: bool) -> String {
    let codes = FlagCode::ALL;
    let width = LEFT + codes.len() as f64 * (PANEL_W + GAP_X) + 10.0;
    let height = TOP + 2.0 * (PANEL_H + GAP_Y) + 30.0;
    let mut svg = String::new();
    let what = if critical { "flagged critical" } else { "flagged" };
    let _ = writeln!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="Helvetica, Arial, sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
<text x="{LEFT}" y="22" font-size="15" font-weight="bold">Share of tutors {what} by true rate (x threshold) and sessions in the window</text>
<text x="{LEFT}" y="40" fill="#444">Generated tutors on realistic booking cadences, scored by the real rules (make signal). Top: the first rule (Wilson 95%); bottom: the rules in force. Lines: sessions the rule counts in 90 days.</text>"##
    );
    // Legend.
    let mut lx = LEFT;
    for (i, size) in SIZES.iter().enumerate() {
        let _ = writeln!(
            svg,
            r##"<line x1="{lx}" y1="54" x2="{:.0}" y2="54" stroke="{}" stroke-width="3"/><text x="{:.0}" y="58">n={size}</text>"##,
            lx + 18.0,
            COLOURS[i],
            lx + 22.0
        );
        lx += 62.0;
    }
    for (r, name) in RULE_NAMES.iter().enumerate() {
        for (c, code) in codes.iter().enumerate() {
            let ox = LEFT + c as f64 * (PANEL_W + GAP_X);
            let oy = TOP + r as f64 * (PANEL_H + GAP_Y) + 20.0;
            let (threshold, critical_level) = lines(*code, config);
            let _ = writeln!(
                svg,
                r##"<g transform="translate({ox:.1},{oy:.1})">
<text x="0" y="-8" font-weight="bold">{} — {name}</text>
<rect x="0" y="0" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#999"/>"##,
                code_name(*code)
            );
            // Target zones: <= 2% flagged at <= 0.7x, >= 90% at >= 1.2x (or at the critical level).
            let (low_edge, high_edge) = if critical {
                (None, critical_level / threshold)
            } else {
                (Some(0.7), 1.2)
            };
            if let Some(low) = low_edge {
                let _ = writeln!(
                    svg,
                    r##"<rect x="0" y="{:.1}" width="{:.1}" height="{:.1}" fill="#2ca02c" fill-opacity="0.12"/>"##,
                    y_of(2.0),
                    x_of(low),
                    PANEL_H - y_of(2.0)
                );
            }
            let _ = writeln!(
                svg,
                r##"<rect x="{:.1}" y="0" width="{:.1}" height="{:.1}" fill="#2ca02c" fill-opacity="0.12"/>"##,
                x_of(high_edge),
                PANEL_W - x_of(high_edge),
                y_of(90.0)
            );
            // Grid and axes.
            for share in [0.0, 25.0, 50.0, 75.0, 100.0] {
                let y = y_of(share);
                let _ = writeln!(
                    svg,
                    r##"<line x1="0" y1="{y:.1}" x2="{PANEL_W}" y2="{y:.1}" stroke="#eee"/><text x="-6" y="{:.1}" text-anchor="end">{share:.0}%</text>"##,
                    y + 4.0
                );
            }
            for m in [0.5, 0.7, 1.0, 1.2, 1.5, 2.0, 3.0] {
                let x = x_of(m);
                let _ = writeln!(
                    svg,
                    r##"<line x1="{x:.1}" y1="{PANEL_H}" x2="{x:.1}" y2="{:.1}" stroke="#999"/><text x="{x:.1}" y="{:.1}" text-anchor="middle">{m}</text>"##,
                    PANEL_H + 4.0,
                    PANEL_H + 16.0
                );
            }
            let _ = writeln!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#444">true rate / threshold ({threshold}%)</text>"##,
                PANEL_W / 2.0,
                PANEL_H + 32.0
            );
            for (i, size) in SIZES.iter().enumerate() {
                let points: Vec<String> = rows(*code, config)
                    .iter()
                    .filter_map(|row| {
                        cells
                            .iter()
                            .find(|cell| {
                                cell.rule == code_name(*code)
                                    && cell.multiple == row.multiple
                                    && cell.size == *size
                            })
                            .map(|cell| {
                                let share = if critical {
                                    cell.critical_share(r)
                                } else {
                                    cell.flagged_share(r)
                                };
                                format!("{:.1},{:.1}", x_of(row.multiple), y_of(share))
                            })
                    })
                    .collect();
                let _ = writeln!(
                    svg,
                    r##"<polyline points="{}" fill="none" stroke="{}" stroke-width="1.8"/>"##,
                    points.join(" "),
                    COLOURS[i]
                );
            }
            svg.push_str("</g>\n");
        }
    }
    svg.push_str("</svg>\n");
    svg
}
