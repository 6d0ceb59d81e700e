//! Terminal tables that fit: the widest columns are cut first until the table fits the
//! width, and a cut cell ends with `…`. Widths are display columns (a CJK character takes two).
//!
//! Piped output keeps the old fixed rule (each cell cut at 60 characters) unless a width is
//! asked for, so scripts reading tables see the same bytes whatever terminal ran them.

use std::io::{IsTerminal, Write};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Cells are cut at this width when the output is not a terminal and no width is given.
pub const MAX_CELL: usize = 60;

/// Separator between cells: its width counts against the table's.
const SEP: &str = " │ ";
const SEP_WIDTH: usize = 3;

/// How wide a table may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableWidth {
    /// Each cell cut at [`MAX_CELL`] columns, whatever the total (output to a pipe or file).
    #[default]
    CellLimit,
    /// Nothing is cut (`--wide`).
    Wide,
    /// The whole table, separators included, in at most this many columns (`--max-width N`,
    /// or the terminal's width).
    Max(usize),
}

impl TableWidth {
    /// The rule for a table printed on stdout: `--wide`, else `--max-width`, else the
    /// terminal's width when stdout is one, else [`TableWidth::CellLimit`].
    pub fn for_stdout(wide: bool, max_width: Option<usize>) -> TableWidth {
        let terminal = || std::io::stdout().is_terminal().then(terminal_width);
        choose(wide, max_width, if wide || max_width.is_some() { None } else { terminal() })
    }
}

/// [`TableWidth::for_stdout`] with the terminal's width (if stdout is a terminal) given.
pub fn choose(wide: bool, max_width: Option<usize>, terminal: Option<usize>) -> TableWidth {
    match (wide, max_width, terminal) {
        (true, _, _) => TableWidth::Wide,
        (false, Some(n), _) => TableWidth::Max(n),
        (false, None, Some(n)) => TableWidth::Max(n),
        (false, None, None) => TableWidth::CellLimit,
    }
}

/// Width of the terminal on stdout: `COLUMNS` if set (as `ls` does, so a user can override
/// it), else what the terminal reports, else 80.
fn terminal_width() -> usize {
    columns_env(std::env::var("COLUMNS").ok().as_deref())
        .or_else(|| terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0)))
        .filter(|&w| w > 0)
        .unwrap_or(80)
}

fn columns_env(v: Option<&str>) -> Option<usize> {
    v.and_then(|s| s.trim().parse::<usize>().ok()).filter(|&w| w > 0)
}

/// A cell on one line: newlines and tabs would break the grid.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\t', '\r'], " ")
}

/// `s` cut to `width` display columns, ending with `…` when cut.
fn cut(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Column widths for a table of `natural` widths in at most `max` columns: the widest are
/// narrowed first, to a common cap, and what the cap leaves over goes to the leftmost of
/// them. No column goes below 1; a table of more columns than that allows stays too wide.
pub fn fit(natural: &[usize], max: usize) -> Vec<usize> {
    let budget = max.saturating_sub(SEP_WIDTH * natural.len().saturating_sub(1));
    if natural.iter().sum::<usize>() <= budget {
        return natural.to_vec();
    }
    let capped = |cap: usize| natural.iter().map(|&w| w.min(cap)).sum::<usize>();
    let widest = natural.iter().copied().max().unwrap_or(1);
    let cap = (1..=widest).rev().find(|&c| capped(c) <= budget).unwrap_or(1);
    let mut spare = budget.saturating_sub(capped(cap));
    natural
        .iter()
        .map(|&w| {
            if w > cap && spare > 0 {
                spare -= 1;
                cap + 1
            } else {
                w.min(cap)
            }
        })
        .collect()
}

/// Write a table: a header, a rule, the rows, then the row count.
pub fn write_table<W: Write>(out: &mut W, header: &[String], rows: &[Vec<String>], width: TableWidth) -> std::io::Result<()> {
    let header: Vec<String> = header.iter().map(|h| one_line(h)).collect();
    let rows_text: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| one_line(c)).collect()).collect();
    let mut natural: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in &rows_text {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = natural.get_mut(i) {
                *w = (*w).max(c.width());
            }
        }
    }
    let widths: Vec<usize> = match width {
        TableWidth::Wide => natural.clone(),
        TableWidth::CellLimit => natural.iter().map(|&w| w.min(MAX_CELL)).collect(),
        TableWidth::Max(n) => fit(&natural, n),
    };
    let line = |out: &mut W, row: &[String]| -> std::io::Result<()> {
        let parts: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, &w)| {
                let c = cut(c, w);
                let pad = w.saturating_sub(c.width());
                format!("{c}{}", " ".repeat(pad))
            })
            .collect();
        writeln!(out, "{}", parts.join(SEP).trim_end())
    };
    line(out, &header)?;
    writeln!(out, "{}", widths.iter().map(|w| "─".repeat(*w)).collect::<Vec<_>>().join("─┼─"))?;
    for r in &rows_text {
        line(out, r)?;
    }
    writeln!(out, "({} row{})", rows.len(), if rows.len() == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(header: &[&str], rows: &[&[&str]], width: TableWidth) -> String {
        let header: Vec<String> = header.iter().map(|s| s.to_string()).collect();
        let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect();
        let mut out = Vec::new();
        write_table(&mut out, &header, &rows, width).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn widest_line(s: &str) -> usize {
        s.lines().map(|l| l.width()).max().unwrap_or(0)
    }

    #[test]
    fn fit_narrows_the_widest_columns_first() {
        assert_eq!(fit(&[5, 10, 40], 100), [5, 10, 40], "fits: unchanged");
        // 60 - 2 separators = 54 for the cells: 40 is cut to what is left.
        assert_eq!(fit(&[5, 10, 40], 60), [5, 10, 39]);
        // Two wide columns share the cut: cap 21, one spare column to the leftmost.
        assert_eq!(fit(&[5, 40, 40], 54), [5, 22, 21]);
        assert_eq!(fit(&[5, 40, 40], 54).iter().sum::<usize>() + 6, 54);
        // Every column cut down to 1 at most; it cannot go narrower.
        assert_eq!(fit(&[5, 5, 5], 3), [1, 1, 1]);
        assert_eq!(fit(&[], 10), Vec::<usize>::new());
    }

    #[test]
    fn cut_cells_end_with_an_ellipsis_and_keep_display_width() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
        assert_eq!(cut("abc", 1), "…");
        // Wide characters are two columns: never split, never overflow.
        assert_eq!(cut("日本語テキスト", 6), "日本…");
        assert!(cut("日本語テキスト", 6).width() <= 6);
    }

    #[test]
    fn max_width_fits_the_whole_table() {
        let long = "x".repeat(200);
        let t = render(&["a", "evidence"], &[&["1", &long], &["22", "short"]], TableWidth::Max(50));
        assert_eq!(widest_line(&t), 50, "{t}");
        assert!(t.contains('…'));
        for n in [20, 33, 80] {
            let t = render(&["subject", "label", "evidence"], &[&["rpid:state/Q30", "United States", &long]], TableWidth::Max(n));
            assert!(widest_line(&t) <= n, "{n}:\n{t}");
        }
    }

    #[test]
    fn wide_never_cuts_and_the_default_cuts_cells_at_60() {
        let long = "y".repeat(100);
        let t = render(&["v"], &[&[&long]], TableWidth::Wide);
        assert!(t.contains(&long) && !t.contains('…'));
        let t = render(&["v"], &[&[&long]], TableWidth::CellLimit);
        assert!(t.contains(&format!("{}…", "y".repeat(59))) && !t.contains(&"y".repeat(60)), "{t}");
        assert!(t.ends_with("(1 row)\n"));
    }

    #[test]
    fn wide_characters_are_aligned_by_display_width() {
        let t = render(&["name", "n"], &[&["東京", "1"], &["Paris", "2"]], TableWidth::Wide);
        let cols: Vec<usize> = t.lines().take(4).filter(|l| l.contains('│')).map(|l| l[..l.find('│').unwrap()].width()).collect();
        assert!(cols.windows(2).all(|w| w[0] == w[1]), "{t}");
    }

    #[test]
    fn width_rule() {
        assert_eq!(choose(true, Some(40), Some(100)), TableWidth::Wide);
        assert_eq!(choose(false, Some(40), Some(100)), TableWidth::Max(40));
        assert_eq!(choose(false, None, Some(100)), TableWidth::Max(100));
        assert_eq!(choose(false, None, None), TableWidth::CellLimit, "not a terminal: unchanged for scripts");
        assert_eq!(columns_env(Some(" 120 ")), Some(120));
        assert_eq!(columns_env(Some("0")), None);
        assert_eq!(columns_env(Some("wide")), None);
    }
}
