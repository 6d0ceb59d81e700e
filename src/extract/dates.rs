//! When an event happened: the date phrase of its evidence sentence ("Sept. 14, 2023",
//! "on Wednesday", "last month", "in 2022"), resolved against the article's date, with the
//! precision the phrase gives. Words come from `data/lexicon/dates.toml`.
//!
//! A phrase without a year or a relative one needs the article's date; without it the event
//! gets no date. A sentence without a date phrase gets none either: its event is dated by the
//! article's publication date at query time, which says something different.

use crate::model::EventDate;
use regex::Regex;
use std::collections::BTreeMap;

const DATES: &str = include_str!("../../data/lexicon/dates.toml");
const FILE: &str = "data/lexicon/dates.toml";

#[derive(serde::Deserialize)]
struct Raw {
    months: Vec<Vec<String>>,
    weekdays: Vec<String>,
    time_prepositions: Vec<String>,
    relative: BTreeMap<String, RawRelative>,
}

#[derive(serde::Deserialize)]
struct RawRelative {
    unit: String,
    offset: i64,
}

/// A proleptic Gregorian calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day {
    pub y: i64,
    pub m: u32,
    pub d: u32,
}

impl Day {
    /// "2023-09-28" (anything after the day is ignored, so a timestamp works too).
    pub fn parse(s: &str) -> Option<Day> {
        let s = s.trim();
        let (y, m, d) = (s.get(0..4)?, s.get(5..7)?, s.get(8..10)?);
        if s.get(4..5)? != "-" || s.get(7..8)? != "-" {
            return None;
        }
        Day::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    pub fn new(y: i64, m: u32, d: u32) -> Option<Day> {
        ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then_some(Day { y, m, d })
    }

    /// Days since 1970-01-01 (H. Hinnant's days_from_civil).
    pub fn number(self) -> i64 {
        let y = if self.m <= 2 { self.y - 1 } else { self.y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (self.m as i64 + 9) % 12;
        let doy = (153 * mp + 2) / 5 + self.d as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_number(z: i64) -> Day {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        Day { y: yoe + era * 400 + i64::from(m <= 2), m, d }
    }

    /// 0 = Monday.
    pub fn weekday(self) -> i64 {
        (self.number() + 3).rem_euclid(7)
    }

    fn plus(self, days: i64) -> Day {
        Day::from_number(self.number() + days)
    }

    fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Day,
    Week,
    Month,
    Year,
}

/// The compiled date lexicon.
pub struct Dates {
    /// Anything a date phrase needs (a month, weekday, relative phrase or four digits): most
    /// sentences have none, and one scan says so.
    candidate: Regex,
    iso: Regex,
    month_day_year: Regex,
    day_month_year: Regex,
    month_day: Regex,
    day_month: Regex,
    month_year: Regex,
    prep_month: Regex,
    prep_year: Regex,
    weekday: Regex,
    relative: Regex,
    month_of: BTreeMap<String, u32>,
    weekday_of: BTreeMap<String, i64>,
    relative_of: BTreeMap<String, (Unit, i64)>,
}

fn alternation(words: &[String]) -> String {
    let mut w: Vec<&String> = words.iter().collect();
    w.sort_by_key(|s| std::cmp::Reverse(s.len()));
    w.iter().map(|s| regex::escape(s)).collect::<Vec<_>>().join("|")
}

impl Dates {
    pub fn new() -> crate::Result<Dates> {
        let bad = |problem: String| crate::Error::Data { file: FILE, line: 0, problem };
        let raw: Raw = toml::from_str(DATES).map_err(|e| bad(e.to_string()))?;
        if raw.months.len() != 12 || raw.weekdays.len() != 7 {
            return Err(bad("needs 12 months and 7 weekdays".into()));
        }
        let mut month_of = BTreeMap::new();
        let mut names = Vec::new();
        for (i, forms) in raw.months.iter().enumerate() {
            for f in forms {
                month_of.insert(f.clone(), i as u32 + 1);
                names.push(f.clone());
            }
        }
        let full: Vec<String> = raw.months.iter().filter_map(|f| f.first().cloned()).collect();
        let weekday_of: BTreeMap<String, i64> = raw.weekdays.iter().enumerate().map(|(i, w)| (w.clone(), i as i64)).collect();
        let mut relative_of = BTreeMap::new();
        for (phrase, r) in &raw.relative {
            let unit = match r.unit.as_str() {
                "day" => Unit::Day,
                "week" => Unit::Week,
                "month" => Unit::Month,
                "year" => Unit::Year,
                u => return Err(bad(format!("relative phrase {phrase:?}: unknown unit {u:?}"))),
            };
            relative_of.insert(phrase.to_lowercase(), (unit, r.offset));
        }
        let m = alternation(&names);
        let full = alternation(&full);
        let preps = alternation(&raw.time_prepositions);
        let rel: Vec<String> = relative_of.keys().cloned().collect();
        // ASCII classes and word boundaries: the words are ASCII, and Unicode tables would cost
        // more to compile than every sentence costs to scan.
        let re = |p: String| regex::RegexBuilder::new(&p).unicode(false).build().map_err(|e| bad(e.to_string()));
        Ok(Dates {
            candidate: re(format!(r"\b(?:{m})\b|\b(?:{})\b|(?i:\b(?:{})\b)|\d{{4}}", alternation(&raw.weekdays), alternation(&rel)))?,
            iso: re(r"\b(\d{4})-(\d{2})-(\d{2})\b".into())?,
            month_day_year: re(format!(r"\b({m})\.? (\d{{1,2}})(?:st|nd|rd|th)?,? (\d{{4}})\b"))?,
            day_month_year: re(format!(r"\b(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({m})\.?,? (\d{{4}})\b"))?,
            month_day: re(format!(r"\b({m})\.? (\d{{1,2}})(?:st|nd|rd|th)?\b"))?,
            day_month: re(format!(r"\b(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({m})\b"))?,
            month_year: re(format!(r"\b({full}),? (\d{{4}})\b"))?,
            prep_month: re(format!(r"(?i:\b(?:{preps}) )({full})\b"))?,
            prep_year: re(format!(r"(?i:\b(?:{preps}) )((?:19|20)\d{{2}})\b"))?,
            weekday: re(format!(r"\b({})\b", alternation(&raw.weekdays)))?,
            relative: re(format!(r"(?i)\b(?:{})\b", alternation(&rel)))?,
            month_of,
            weekday_of,
            relative_of,
        })
    }

    /// The date of the event a sentence reports, given the article's date. The first phrase
    /// outside quotation marks wins (a quote may recall another time), else the first inside.
    pub fn resolve(&self, sentence: &str, article: Option<Day>) -> Option<EventDate> {
        // Which kinds of word the sentence holds: only the forms that need them are tried.
        let (mut month, mut weekday, mut rel, mut year) = (false, false, false, false);
        // A plain search (no capture groups: the fast engines), the kind told by the word.
        for m in self.candidate.find_iter(sentence) {
            let w = m.as_str();
            if w.starts_with(|ch: char| ch.is_ascii_digit()) {
                year = true;
            } else if self.month_of.contains_key(w) {
                month = true;
            } else if self.weekday_of.contains_key(w) {
                weekday = true;
            } else {
                rel = true;
            }
        }
        if !(month || weekday || rel || year) {
            return None;
        }
        let mut found: Vec<(usize, usize, EventDate)> = Vec::new();
        // Rule date.possessive: "Sunday's vote", "today's sanctions" date the noun they modify,
        // not the event the sentence reports.
        let possessive = |e: usize| sentence.get(e..).is_some_and(|r| r.starts_with("'s ") || r.starts_with("’s "));
        let taken = |s: usize, e: usize, d: Option<EventDate>, found: &mut Vec<(usize, usize, EventDate)>| {
            if possessive(e) {
                return;
            }
            if let Some(d) = d {
                if !found.iter().any(|(fs, fe, _)| s < *fe && *fs < e) {
                    found.push((s, e, d));
                }
            }
        };
        let day = |y: i64, m: u32, d: u32, text: &str| Day::new(y, m, d).map(|x| dated(x, Unit::Day, text));
        // Most specific forms first: a later, shorter match inside an earlier one is skipped.
        for c in self.iso.captures_iter(if year { sentence } else { "" }) {
            let (all, y, m, d) = (&c[0], num(&c[1]), num(&c[2]), num(&c[3]));
            let m0 = c.get(0).map_or(0..0, |x| x.range());
            taken(m0.start, m0.end, day(y, m as u32, d as u32, all), &mut found);
        }
        for c in self.month_day_year.captures_iter(if month && year { sentence } else { "" }) {
            let r = c.get(0).map_or(0..0, |x| x.range());
            let d = self.month_of.get(&c[1]).and_then(|&m| day(num(&c[3]), m, num(&c[2]) as u32, &c[0]));
            taken(r.start, r.end, d, &mut found);
        }
        for c in self.day_month_year.captures_iter(if month && year { sentence } else { "" }) {
            let r = c.get(0).map_or(0..0, |x| x.range());
            let d = self.month_of.get(&c[2]).and_then(|&m| day(num(&c[3]), m, num(&c[1]) as u32, &c[0]));
            taken(r.start, r.end, d, &mut found);
        }
        for c in self.month_year.captures_iter(if month && year { sentence } else { "" }) {
            let r = c.get(0).map_or(0..0, |x| x.range());
            let d = self.month_of.get(&c[1]).and_then(|&m| Day::new(num(&c[2]), m, 1)).map(|x| dated(x, Unit::Month, &c[0]));
            taken(r.start, r.end, d, &mut found);
        }
        if let Some(a) = article {
            for c in self.month_day.captures_iter(if month { sentence } else { "" }) {
                let r = c.get(0).map_or(0..0, |x| x.range());
                let d = self.month_of.get(&c[1]).and_then(|&m| recent(a, m, Some(num(&c[2]) as u32))).map(|x| dated(x, Unit::Day, &c[0]));
                taken(r.start, r.end, d, &mut found);
            }
            for c in self.day_month.captures_iter(if month { sentence } else { "" }) {
                let r = c.get(0).map_or(0..0, |x| x.range());
                let d = self.month_of.get(&c[2]).and_then(|&m| recent(a, m, Some(num(&c[1]) as u32))).map(|x| dated(x, Unit::Day, &c[0]));
                taken(r.start, r.end, d, &mut found);
            }
            for c in self.prep_month.captures_iter(if month { sentence } else { "" }) {
                let Some(g) = c.get(1) else { continue };
                let d = self.month_of.get(g.as_str()).and_then(|&m| recent(a, m, None)).map(|x| dated(x, Unit::Month, g.as_str()));
                taken(g.start(), g.end(), d, &mut found);
            }
            for w in self.weekday.find_iter(if weekday { sentence } else { "" }) {
                let Some(&wd) = self.weekday_of.get(w.as_str()) else { continue };
                // The last such day on or before the article's date.
                let back = (a.weekday() - wd).rem_euclid(7);
                taken(w.start(), w.end(), Some(dated(a.plus(-back), Unit::Day, w.as_str())), &mut found);
            }
            for r in self.relative.find_iter(if rel { sentence } else { "" }) {
                let Some(&(unit, off)) = self.relative_of.get(&r.as_str().to_lowercase()) else { continue };
                taken(r.start(), r.end(), Some(dated(shift(a, unit, off), unit, r.as_str())), &mut found);
            }
        }
        for c in self.prep_year.captures_iter(if year { sentence } else { "" }) {
            let Some(g) = c.get(1) else { continue };
            let d = Day::new(num(g.as_str()), 1, 1).map(|x| dated(x, Unit::Year, g.as_str()));
            taken(g.start(), g.end(), d, &mut found);
        }
        let quoted = quoted_spans(sentence);
        let inside = |s: usize| quoted.iter().any(|&(a, b)| a <= s && s < b);
        found.sort_by_key(|(s, _, _)| (inside(*s), *s));
        found.into_iter().next().map(|(_, _, d)| d)
    }
}

fn num(s: &str) -> i64 {
    s.parse().unwrap_or(0)
}

fn dated(day: Day, unit: Unit, text: &str) -> EventDate {
    let (day, precision) = match unit {
        Unit::Day => (day, "day"),
        Unit::Week => (day, "week"),
        Unit::Month => (Day { d: 1, ..day }, "month"),
        Unit::Year => (Day { m: 1, d: 1, ..day }, "year"),
    };
    EventDate { date: day.iso(), precision, text: text.to_string() }
}

/// A month (and day) without a year: the latest such date not after the article's date, with
/// a week's grace for announcements of what is about to happen.
fn recent(a: Day, m: u32, d: Option<u32>) -> Option<Day> {
    let this = Day::new(a.y, m, d.unwrap_or(1))?;
    if this.number() <= a.number() + 7 {
        Some(this)
    } else {
        Day::new(a.y - 1, m, d.unwrap_or(1))
    }
}

fn shift(a: Day, unit: Unit, off: i64) -> Day {
    match unit {
        Unit::Day => a.plus(off),
        // A week is named by its Monday.
        Unit::Week => a.plus(7 * off - a.weekday()),
        Unit::Month => {
            let months = a.y * 12 + (a.m as i64 - 1) + off;
            Day { y: months.div_euclid(12), m: months.rem_euclid(12) as u32 + 1, d: 1 }
        }
        Unit::Year => Day { y: a.y + off, m: 1, d: 1 },
    }
}

/// Byte spans inside “…” or "…" pairs.
fn quoted_spans(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (i, ch) in s.char_indices() {
        match (ch, open) {
            ('“', _) => open = Some(i),
            ('”', Some(o)) => {
                out.push((o, i));
                open = None;
            }
            ('"', None) => open = Some(i),
            ('"', Some(o)) => {
                out.push((o, i));
                open = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(sentence: &str, article: &str) -> Option<(String, &'static str)> {
        let d = Dates::new().expect("dates lexicon");
        d.resolve(sentence, Day::parse(article)).map(|e| (e.date, e.precision))
    }

    fn is(date: &str, p: &'static str) -> Option<(String, &'static str)> {
        Some((date.to_string(), p))
    }

    #[test]
    fn calendar_arithmetic() {
        for n in [-800_000, -1, 0, 1, 19_000, 20_000, 800_000] {
            assert_eq!(Day::from_number(n).number(), n);
        }
        assert_eq!(Day::parse("1970-01-01").map(Day::weekday), Some(3)); // a Thursday
        assert_eq!(Day::parse("2024-02-29").map(|d| d.plus(1).iso()), Some("2024-03-01".into()));
        assert!(Day::parse("2023-02-29").is_none() && Day::parse("soon").is_none());
    }

    #[test]
    fn absolute_dates() {
        assert_eq!(at("The ministry acted on Sept. 14, 2023, officials said.", "2023-10-01"), is("2023-09-14", "day"));
        assert_eq!(at("The list was published on 14 September 2023.", ""), is("2023-09-14", "day"));
        assert_eq!(at("The order took effect on 2022-03-05.", ""), is("2022-03-05", "day"));
        assert_eq!(at("The treaty was signed in August 2021.", ""), is("2021-08-01", "month"));
        assert_eq!(at("The embargo has been in force since 2014.", ""), is("2014-01-01", "year"));
        assert_eq!(at("Shipments began on March 3rd, 2020.", ""), is("2020-03-03", "day"));
    }

    #[test]
    fn dates_without_a_year_take_the_articles() {
        assert_eq!(at("The deliveries began on 14 September.", "2023-09-20"), is("2023-09-14", "day"));
        assert_eq!(at("The deliveries began on Dec. 2.", "2024-01-10"), is("2023-12-02", "day"));
        assert_eq!(at("The jets arrived in August.", "2023-09-20"), is("2023-08-01", "month"));
        assert_eq!(at("The jets will arrive in October.", "2023-09-20"), is("2022-10-01", "month"));
        // No article date: nothing to anchor them.
        assert_eq!(at("The jets arrived in August.", ""), None);
    }

    #[test]
    fn weekdays_are_the_last_such_day() {
        // 2023-09-28 is a Thursday.
        assert_eq!(at("The ministry said on Wednesday that it would act.", "2023-09-28"), is("2023-09-27", "day"));
        assert_eq!(at("The minister said Thursday the talks had ended.", "2023-09-28"), is("2023-09-28", "day"));
        assert_eq!(at("The minister spoke on Friday.", "2023-09-28"), is("2023-09-22", "day"));
        assert_eq!(at("The minister spoke on Friday.", ""), None);
    }

    #[test]
    fn relative_phrases() {
        assert_eq!(at("The sanctions were announced yesterday.", "2023-09-28"), is("2023-09-27", "day"));
        assert_eq!(at("Officials met last week.", "2023-09-28"), is("2023-09-18", "week"));
        assert_eq!(at("It was announced earlier this month.", "2023-09-28"), is("2023-09-01", "month"));
        assert_eq!(at("Washington imposed curbs last month.", "2024-01-10"), is("2023-12-01", "month"));
        assert_eq!(at("The deal was agreed last year.", "2024-01-10"), is("2023-01-01", "year"));
        assert_eq!(at("Exports rose this year.", "2024-01-10"), is("2024-01-01", "year"));
        assert_eq!(at("Exports rose this year.", ""), None);
    }

    #[test]
    fn possessive_phrases_date_their_noun() {
        assert_eq!(at("After Sunday's vote, the council imposed sanctions.", "2023-09-28"), None);
        assert_eq!(at("Today's measures follow the vote.", "2023-09-28"), None);
        assert_eq!(at("After Sunday's vote, the council imposed sanctions on Tuesday.", "2023-09-28"), is("2023-09-26", "day"));
    }

    #[test]
    fn first_phrase_outside_quotes_wins() {
        assert_eq!(at("“We signed it in 2019,” the minister said on Monday.", "2023-09-28"), is("2023-09-25", "day"));
        assert_eq!(at("Russia sent the shells in May, and more in June.", "2023-09-28"), is("2023-05-01", "month"));
        // "may" the verb is no month; a resolution number is no year.
        assert_eq!(at("The council may vote on Resolution 2231 soon.", "2023-09-28"), None);
    }
}
