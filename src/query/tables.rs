//! Canned analyst queries: one flat row per fact (for spreadsheets and pandas) and store
//! statistics. They are plain SPARQL over the union graph, so every output format of `query`
//! applies, and multi-valued parties are joined with "; " so a fact never spans two rows.

/// The fact tables of `realpolitik table`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Table {
    Sanctions,
    Transfers,
    Statements,
    Actors,
}

/// Labels and Wikidata ids of a party variable, joined per fact.
macro_rules! party {
    ($fact:literal, $prop:literal, $var:literal) => {
        concat!(
            "  OPTIONAL { ", $fact, " ", $prop, " ?", $var, "_n . ?", $var, "_n rdfs:label ?", $var, "_l .\n",
            "    OPTIONAL { ?", $var, "_n owl:sameAs ?", $var, "_w . FILTER(STRSTARTS(STR(?", $var, "_w), \"http://www.wikidata.org/entity/\")) BIND(STRAFTER(STR(?", $var, "_w), \"entity/\") AS ?", $var, "_q) } }\n"
        )
    };
}

macro_rules! joined {
    ($var:literal) => {
        concat!("(GROUP_CONCAT(DISTINCT ?", $var, "_l; separator=\"; \") AS ?", $var, ") (GROUP_CONCAT(DISTINCT ?", $var, "_q; separator=\"; \") AS ?", $var, "_qid) ")
    };
}

const SOURCE: &str = "  ?fact prov:wasDerivedFrom ?a ; rp:evidence ?e . OPTIONAL { ?fact rp:confidence ?c } OPTIONAL { ?a rp:url ?u } OPTIONAL { ?a rp:published ?d }\n";
const SOURCE_COLS: &str = "(SAMPLE(?c) AS ?confidence) (SAMPLE(?u) AS ?url) (SAMPLE(?d) AS ?published) (SAMPLE(?e) AS ?evidence)";

/// The SPARQL of one table.
pub fn sparql(t: Table) -> String {
    match t {
        Table::Sanctions => format!(
            "SELECT ?fact {}{}(SAMPLE(?m) AS ?measure) (SAMPLE(?mt) AS ?measure_text) {SOURCE_COLS} WHERE {{\n  ?fact a rp:Sanction .\n{}{}  OPTIONAL {{ ?fact rp:measure/skos:prefLabel ?m }} OPTIONAL {{ ?fact rp:measureText ?mt }}\n{SOURCE}}} GROUP BY ?fact ORDER BY ?fact",
            joined!("imposer"),
            joined!("target"),
            party!("?fact", "rp:imposedBy", "imposer"),
            party!("?fact", "rp:target", "target"),
        ),
        Table::Transfers => format!(
            "SELECT ?fact {}{}(SAMPLE(?wl) AS ?weapon) (SAMPLE(?cat) AS ?category) (SAMPLE(?qty) AS ?quantity) (SAMPLE(?st) AS ?status) {SOURCE_COLS} WHERE {{\n  ?fact a rp:WeaponTransfer .\n{}{}  OPTIONAL {{ ?fact rp:weapon ?w . OPTIONAL {{ ?w rdfs:label ?wl }} OPTIONAL {{ ?w rp:category ?cn . BIND(STRAFTER(STR(?cn), \"#\") AS ?cat) }} }}\n  OPTIONAL {{ ?fact rp:quantity ?qty }} OPTIONAL {{ ?fact rp:status ?st }}\n{SOURCE}}} GROUP BY ?fact ORDER BY ?fact",
            joined!("supplier"),
            joined!("recipient"),
            party!("?fact", "rp:supplier", "supplier"),
            party!("?fact", "rp:recipient", "recipient"),
        ),
        Table::Statements => format!(
            "SELECT ?fact {}(SAMPLE(?qt) AS ?quote) (SAMPLE(?dir) AS ?direct) {SOURCE_COLS} WHERE {{\n  ?fact a rp:Statement .\n{}  OPTIONAL {{ ?fact rp:quote ?qt }} OPTIONAL {{ ?fact rp:direct ?dir }}\n{SOURCE}}} GROUP BY ?fact ORDER BY ?fact",
            joined!("speaker"),
            party!("?fact", "rp:speaker", "speaker"),
        ),
        Table::Actors => "SELECT ?actor (SAMPLE(?l) AS ?label) (SAMPLE(?k) AS ?kind) (SAMPLE(?q) AS ?qid) (SAMPLE(?cl) AS ?country) (COUNT(DISTINCT ?fact) AS ?facts) WHERE {
  ?fact rp:imposedBy|rp:target|rp:supplier|rp:recipient|rp:speaker ?actor .
  ?actor rdfs:label ?l .
  OPTIONAL { ?actor a ?t . FILTER(STRSTARTS(STR(?t), STR(rp:))) BIND(STRAFTER(STR(?t), \"#\") AS ?k) }
  OPTIONAL { ?actor owl:sameAs ?w . FILTER(STRSTARTS(STR(?w), \"http://www.wikidata.org/entity/\")) BIND(STRAFTER(STR(?w), \"entity/\") AS ?q) }
  OPTIONAL { ?actor rp:country/rdfs:label ?cl }
} GROUP BY ?actor ORDER BY DESC(?facts) ?actor"
            .to_string(),
    }
}

/// `realpolitik stats`: articles and facts per type, then the ten actors in most facts.
pub fn stats_sparql() -> &'static str {
    "SELECT ?section ?item ?count WHERE {
  { SELECT (\"facts\" AS ?section) (\"articles\" AS ?item) (COUNT(DISTINCT ?x) AS ?count) WHERE { ?x a rp:Article } }
  UNION { SELECT (\"facts\" AS ?section) (\"sanctions\" AS ?item) (COUNT(DISTINCT ?x) AS ?count) WHERE { ?x a rp:Sanction } }
  UNION { SELECT (\"facts\" AS ?section) (\"transfers\" AS ?item) (COUNT(DISTINCT ?x) AS ?count) WHERE { ?x a rp:WeaponTransfer } }
  UNION { SELECT (\"facts\" AS ?section) (\"statements\" AS ?item) (COUNT(DISTINCT ?x) AS ?count) WHERE { ?x a rp:Statement } }
  UNION { SELECT (\"top actors\" AS ?section) (SAMPLE(?l) AS ?item) (COUNT(DISTINCT ?f) AS ?count) WHERE {
      ?f rp:imposedBy|rp:target|rp:supplier|rp:recipient|rp:speaker ?actor . ?actor rdfs:label ?l .
    } GROUP BY ?actor ORDER BY DESC(?count) ?actor LIMIT 10 }
} ORDER BY ?section DESC(?count) ?item"
}
