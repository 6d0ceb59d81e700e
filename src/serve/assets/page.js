// The timeline and network tabs of the query page. Everything shown comes from SPARQL
// queries this script sends to the endpoint (/query, JSON results); the libraries (vis-timeline,
// vis-network) are served by the binary itself. `window.rpPage` exposes what was drawn, so
// tests/page.rs can compare it with its own counts.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const page = (window.rpPage = { timelineReady: false, networkReady: false, errors: [] });

  const TYPES = {
    Sanction: { label: "Sanction", plural: "Sanctions", css: "sanction", colour: "#c62828" },
    WeaponTransfer: { label: "Weapon transfer", plural: "Weapon transfers", css: "transfer", colour: "#1565c0" },
    Statement: { label: "Statement", plural: "Statements", css: "statement", colour: "#2e7d32" },
  };
  const RP = "https://w3id.org/realpolitik/ontology#";
  const local = (iri) => iri.replace(/^.*[#/]/, "");
  const typeOf = (iri) => TYPES[local(iri)] || { label: local(iri), plural: local(iri), css: "other", colour: "#666" };

  // ---- SPARQL ---------------------------------------------------------------------------
  async function select(query) {
    const response = await fetch("query", {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json" },
      body: query,
    });
    const body = await response.text();
    if (!response.ok) throw new Error("the endpoint answered " + response.status + ": " + body.trim());
    return JSON.parse(body).results.bindings.map((b) => {
      const row = {};
      for (const [k, v] of Object.entries(b)) row[k] = v.value;
      return row;
    });
  }

  // IRIs come from the store's own answers; refuse any that could break out of <…>.
  function iri(value) {
    if (!/^[^\s<>"{}|\\^`]+$/.test(value)) throw new Error("not an IRI: " + value);
    return "<" + value + ">";
  }

  // "2024-03-01" (or an xsd:date with a zone) → a local Date at midnight; null otherwise.
  function day(value) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value || "");
    return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
  }

  // ---- entities: labels and classes of every party of a fact ------------------------------
  const PARTIES = `SELECT ?node ?label ?class ?country WHERE {
  { SELECT DISTINCT ?node WHERE {
      VALUES ?role { rp:imposedBy rp:target rp:supplier rp:recipient rp:speaker }
      ?fact ?role ?node } }
  OPTIONAL { ?node rdfs:label ?label }
  OPTIONAL { ?node a ?class }
  OPTIONAL { ?node rp:country ?country }
} ORDER BY ?node ?label ?class ?country`;

  let entitiesPromise = null;
  // IRI → { label, classes: Set, countries: Set }, one query shared by both tabs.
  function entities() {
    if (!entitiesPromise) {
      entitiesPromise = select(PARTIES).then((rows) => {
        const map = new Map();
        for (const r of rows) {
          let e = map.get(r.node);
          if (!e) map.set(r.node, (e = { iri: r.node, label: null, classes: new Set(), countries: new Set() }));
          if (r.label && !e.label) e.label = r.label;
          if (r.class) e.classes.add(local(r.class));
          if (r.country) e.countries.add(r.country);
        }
        for (const e of map.values()) if (!e.label) e.label = local(e.iri);
        return map;
      });
    }
    return entitiesPromise;
  }
  const labelOf = (map, node) => (map.get(node) ? map.get(node).label : local(node));
  const isState = (e) => e && e.classes.has("State");

  // ---- sources: a list of facts with their evidence and article ----------------------------
  function factsQuery(facts) {
    return `SELECT ?fact ?class ?evidence ?article ?url ?published ?title ?date ?dateText ?measure ?weapon ?status ?quote WHERE {
  VALUES ?fact { ${facts.map(iri).join(" ")} }
  ?fact a ?class ; rp:evidence ?evidence ; prov:wasDerivedFrom ?article .
  OPTIONAL { ?article rp:url ?url }
  OPTIONAL { ?article rp:published ?published }
  OPTIONAL { ?article rp:title ?title }
  OPTIONAL { ?fact rp:eventDate ?date }
  OPTIONAL { ?fact rp:dateText ?dateText }
  OPTIONAL { ?fact rp:measure/skos:prefLabel ?measure }
  OPTIONAL { ?fact rp:weapon/rdfs:label ?weapon }
  OPTIONAL { ?fact rp:status ?status }
  OPTIONAL { ?fact rp:quote ?quote }
} ORDER BY ?published ?fact`;
  }

  function element(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined && text !== null) el.textContent = text;
    return el;
  }

  // Renders each fact once (OPTIONALs with several values repeat a row).
  function showFacts(container, rows) {
    const seen = new Set();
    const list = element("ol", "facts");
    for (const r of rows) {
      if (seen.has(r.fact)) continue;
      seen.add(r.fact);
      const li = element("li", "fact");
      const head = element("div", "fact-head");
      const t = typeOf(r.class);
      head.appendChild(element("span", "tag " + t.css, t.label));
      const details = [r.measure, r.weapon, r.status, r.date ? "on " + r.date.slice(0, 10) : null, r.dateText ? "“" + r.dateText + "”" : null]
        .filter(Boolean)
        .join(" · ");
      if (details) head.appendChild(element("span", "details", details));
      li.appendChild(head);
      li.appendChild(element("blockquote", "evidence", r.evidence));
      const source = element("div", "source");
      const title = r.title || local(r.article);
      if (r.url && /^https?:\/\//.test(r.url)) {
        const a = element("a", null, title);
        a.href = r.url;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        source.appendChild(a);
      } else {
        source.appendChild(element("span", null, title));
      }
      source.appendChild(element("span", "published", r.published ? " — published " + r.published.slice(0, 10) : " — no publication date"));
      li.appendChild(source);
      list.appendChild(li);
    }
    container.appendChild(list);
    return seen.size;
  }

  async function openFacts(panel, heading, facts) {
    panel.textContent = "";
    panel.hidden = false;
    panel.appendChild(element("h3", null, heading));
    const wait = element("p", "hint", "loading sources…");
    panel.appendChild(wait);
    try {
      const rows = await select(factsQuery(facts));
      wait.remove();
      const n = showFacts(panel, rows);
      if (n === 0) panel.appendChild(element("p", "hint", "no evidence found for these facts"));
    } catch (e) {
      wait.textContent = String(e.message || e);
      wait.className = "error";
    }
  }

  // ---- timeline ------------------------------------------------------------------------
  const EVENTS = `SELECT ?event ?type ?earliest ?latest ?reports (MIN(?pub) AS ?published) WHERE {
  GRAPH rpid:events {
    ?event a rp:ReportedEvent ; rp:eventType ?type ; rp:report ?fact .
    OPTIONAL { ?event rp:earliestDate ?earliest }
    OPTIONAL { ?event rp:latestDate ?latest }
    OPTIONAL { ?event rp:reportCount ?reports }
  }
  OPTIONAL { ?fact prov:wasDerivedFrom ?article . ?article rp:published ?pub }
} GROUP BY ?event ?type ?earliest ?latest ?reports ORDER BY ?event`;

  const EVENT_PARTIES = `SELECT DISTINCT ?event ?fact ?role ?party WHERE {
  GRAPH rpid:events { ?event rp:report ?fact }
  VALUES ?role { rp:imposedBy rp:target rp:supplier rp:recipient rp:speaker }
  ?fact ?role ?party .
} ORDER BY ?event ?fact ?role ?party`;

  let timeline = null;
  let timelineItems = null;
  let allEvents = [];

  function eventLabel(ev, names) {
    const list = (role) => [...new Set(ev.roles[role] || [])].map((p) => labelOf(names, p)).sort().join(", ");
    const type = local(ev.type);
    if (type === "Sanction") return (list("imposedBy") || "?") + " → " + (list("target") || "?");
    if (type === "WeaponTransfer") return (list("supplier") || "?") + " → " + (list("recipient") || "?");
    if (type === "Statement") return list("speaker") || "statement";
    return local(ev.event);
  }

  async function loadEvents() {
    const [rows, partyRows, names] = await Promise.all([select(EVENTS), select(EVENT_PARTIES), entities()]);
    const byIri = new Map();
    for (const r of rows) {
      if (byIri.has(r.event)) continue;
      byIri.set(r.event, {
        event: r.event,
        type: r.type,
        start: day(r.earliest),
        end: day(r.latest),
        // No date in the text: the earliest report's publication date stands in, marked as such.
        reported: day(r.published),
        reports: Number(r.reports || 0),
        roles: {},
        facts: [],
        states: new Set(),
      });
    }
    for (const r of partyRows) {
      const ev = byIri.get(r.event);
      if (!ev) continue;
      if (!ev.facts.includes(r.fact)) ev.facts.push(r.fact);
      const role = r.role.replace(RP, "");
      (ev.roles[role] = ev.roles[role] || []).push(r.party);
      const e = names.get(r.party);
      if (isState(e)) ev.states.add(r.party);
      if (e) for (const c of e.countries) ev.states.add(c);
    }
    for (const ev of byIri.values()) {
      ev.label = eventLabel(ev, names);
      ev.when = ev.start || ev.reported;
    }
    return { events: [...byIri.values()], names };
  }

  function fillFilters(events, names) {
    const types = [...new Set(events.map((e) => e.type))].sort();
    const typeSelect = $("tl-type");
    for (const t of types) {
      const o = element("option", null, typeOf(t).plural);
      o.value = t;
      typeSelect.appendChild(o);
    }
    const states = new Map();
    for (const ev of events) for (const s of ev.states) states.set(s, labelOf(names, s));
    const stateSelect = $("tl-state");
    for (const [s, label] of [...states].sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0]))) {
      const o = element("option", null, label);
      o.value = s;
      stateSelect.appendChild(o);
    }
  }

  function filtered() {
    const type = $("tl-type").value;
    const state = $("tl-state").value;
    const from = day($("tl-from").value);
    const to = day($("tl-to").value);
    return allEvents.filter((ev) => {
      if (type && ev.type !== type) return false;
      if (state && !ev.states.has(state)) return false;
      if (from || to) {
        if (!ev.when) return false;
        const end = ev.end && ev.start ? ev.end : ev.when;
        if (from && end < from) return false;
        if (to && ev.when > to) return false;
      }
      return true;
    });
  }

  function itemOf(ev) {
    const t = typeOf(ev.type);
    const content = element("span", "ev-label", ev.label + (ev.reports > 1 ? " (" + ev.reports + " reports)" : ""));
    content.dataset.event = ev.event;
    const item = {
      id: ev.event,
      group: ev.type,
      content,
      start: ev.when,
      className: "ev-" + t.css + (ev.start ? "" : " ev-reported"),
      title: t.label + ": " + ev.label + "\n" + (ev.start ? "date from the text" : "no date in the text; placed at the report's publication date"),
    };
    if (ev.start && ev.end && ev.end > ev.start) {
      item.end = ev.end;
      item.type = "range";
    } else {
      item.type = "box";
    }
    return item;
  }

  function refreshTimeline() {
    const shown = filtered();
    const dated = shown.filter((ev) => ev.when);
    const undated = shown.filter((ev) => !ev.when);
    timelineItems.clear();
    timelineItems.add(dated.map(itemOf));
    const list = $("tl-undated-list");
    list.textContent = "";
    for (const ev of undated) {
      const li = element("li");
      const b = element("button", "undated " + "ev-" + typeOf(ev.type).css, typeOf(ev.type).label + ": " + ev.label);
      b.type = "button";
      b.dataset.event = ev.event;
      b.addEventListener("click", () => openEvent(ev.event));
      li.appendChild(b);
      list.appendChild(li);
    }
    $("tl-undated").hidden = undated.length === 0;
    $("tl-undated-count").textContent = String(undated.length);
    $("tl-status").textContent =
      shown.length + " of " + allEvents.length + " events: " + dated.length + " on the timeline, " + undated.length + " without a date";
    page.timelineShown = dated.map((ev) => ev.event);
    page.undatedShown = undated.map((ev) => ev.event);
    if (dated.length) timeline.fit({ animation: false });
  }

  function openEvent(id) {
    const ev = allEvents.find((e) => e.event === id);
    if (!ev) return;
    const t = typeOf(ev.type);
    const when = ev.start
      ? ev.start.toISOString().slice(0, 10) === (ev.end || ev.start).toISOString().slice(0, 10)
        ? dateText(ev.start)
        : dateText(ev.start) + " – " + dateText(ev.end)
      : ev.reported
        ? "reported " + dateText(ev.reported) + " (no date in the text)"
        : "no date";
    const n = ev.reports || ev.facts.length;
    openFacts($("tl-sources"), t.label + ": " + ev.label + " · " + when + " · " + n + " report" + (n === 1 ? "" : "s"), ev.facts);
  }

  const pad = (n) => String(n).padStart(2, "0");
  const dateText = (d) => d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());

  async function initTimeline() {
    const { events, names } = await loadEvents();
    allEvents = events;
    page.events = events.map((ev) => ev.event);
    fillFilters(events, names);
    const groups = [...new Set(events.map((e) => e.type))].sort().map((t) => ({ id: t, content: typeOf(t).plural, className: "grp-" + typeOf(t).css }));
    timelineItems = new vis.DataSet();
    timeline = new vis.Timeline($("timeline"), timelineItems, groups, {
      stack: true,
      orientation: "top",
      zoomMin: 1000 * 60 * 60 * 24 * 7,
      maxHeight: 460,
      margin: { item: 6 },
      tooltip: { followMouse: true },
      selectable: true,
      showCurrentTime: false,
    });
    page.timeline = timeline;
    timeline.on("select", (props) => {
      if (props.items.length) openEvent(props.items[0]);
    });
    for (const id of ["tl-type", "tl-state", "tl-from", "tl-to"]) $(id).addEventListener("change", refreshTimeline);
    $("tl-reset").addEventListener("click", () => {
      for (const id of ["tl-type", "tl-state", "tl-from", "tl-to"]) $(id).value = "";
      refreshTimeline();
    });
    refreshTimeline();
    page.timelineReady = true;
  }

  // ---- network -------------------------------------------------------------------------
  const EDGES = `SELECT ?fact ?kind ?from ?to WHERE {
  { ?fact a rp:Sanction ; rp:imposedBy ?from ; rp:target ?to . BIND("sanction" AS ?kind) }
  UNION
  { ?fact a rp:WeaponTransfer ; rp:supplier ?from ; rp:recipient ?to . BIND("transfer" AS ?kind) }
} ORDER BY ?kind ?from ?to ?fact`;

  const EDGE_KINDS = {
    sanction: { label: "sanction", colour: "#c62828", type: RP + "Sanction" },
    transfer: { label: "weapon transfer", colour: "#1565c0", type: RP + "WeaponTransfer" },
  };

  function nodeStyle(e) {
    if (isState(e)) return { shape: "dot", size: 14, color: { background: "#ffd54f", border: "#8d6e00" }, group: "State" };
    const c = e ? e.classes : new Set();
    if (["Organization", "GovernmentBody", "IntergovernmentalOrganization", "Company"].some((k) => c.has(k)))
      return { shape: "box", color: { background: "#e1f5fe", border: "#0277bd" }, group: "Organization" };
    return { shape: "diamond", size: 10, color: { background: "#eeeeee", border: "#757575" }, group: "Other" };
  }

  async function initNetwork() {
    const [rows, names] = await Promise.all([select(EDGES), entities()]);
    const edges = new Map();
    const nodeIds = new Set();
    for (const r of rows) {
      const key = r.kind + " " + r.from + " " + r.to;
      let edge = edges.get(key);
      if (!edge) edges.set(key, (edge = { id: key, from: r.from, to: r.to, kind: r.kind, facts: [] }));
      if (!edge.facts.includes(r.fact)) edge.facts.push(r.fact);
      nodeIds.add(r.from);
      nodeIds.add(r.to);
    }
    const nodes = [...nodeIds].sort().map((id) => {
      const e = names.get(id);
      const style = nodeStyle(e);
      return Object.assign({ id, label: labelOf(names, id), title: labelOf(names, id) + " (" + style.group + ")\n" + id }, style);
    });
    const edgeList = [...edges.values()].map((e) => ({
      id: e.id,
      from: e.from,
      to: e.to,
      arrows: "to",
      width: 1 + Math.min(5, e.facts.length - 1),
      label: e.facts.length > 1 ? String(e.facts.length) : undefined,
      color: { color: EDGE_KINDS[e.kind].colour, highlight: EDGE_KINDS[e.kind].colour, hover: EDGE_KINDS[e.kind].colour },
      title: EDGE_KINDS[e.kind].label + ": " + labelOf(names, e.from) + " → " + labelOf(names, e.to) + " (" + e.facts.length + " fact" + (e.facts.length === 1 ? "" : "s") + ")",
      smooth: { type: "curvedCW", roundness: 0.15 },
      kind: e.kind,
      facts: e.facts,
    }));
    page.nodes = nodes.map((n) => ({ id: n.id, label: n.label, group: n.group }));
    page.edges = edgeList.map((e) => ({ from: e.from, to: e.to, kind: e.kind, facts: e.facts.length }));
    $("nw-status").textContent =
      nodes.length + " states and organisations, " + edgeList.length + " links from " + rows.length + " sanctions and transfers";
    const network = new vis.Network(
      $("network"),
      { nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edgeList) },
      {
        layout: { randomSeed: 7, improvedLayout: true },
        physics: { solver: "forceAtlas2Based", stabilization: { iterations: 400, fit: true } },
        interaction: { hover: true, tooltipDelay: 150 },
        nodes: { font: { size: 13, face: "system-ui, sans-serif" } },
        edges: { font: { size: 11, align: "middle" } },
      },
    );
    page.network = network;
    const edgeById = new Map(edgeList.map((e) => [e.id, e]));
    network.on("click", (params) => {
      let facts = [];
      let heading = "";
      if (params.nodes.length) {
        const id = params.nodes[0];
        const touching = edgeList.filter((e) => e.from === id || e.to === id);
        facts = [...new Set(touching.flatMap((e) => e.facts))];
        heading = labelOf(names, id) + " · " + touching.length + " link" + (touching.length === 1 ? "" : "s");
      } else if (params.edges.length) {
        const e = edgeById.get(params.edges[0]);
        if (!e) return;
        facts = e.facts;
        heading = EDGE_KINDS[e.kind].label + ": " + labelOf(names, e.from) + " → " + labelOf(names, e.to);
      }
      if (facts.length) openFacts($("nw-facts"), heading, facts);
    });
    network.once("stabilizationIterationsDone", () => {
      network.setOptions({ physics: false });
      network.fit({ animation: false });
      page.networkReady = true;
    });
  }

  // ---- tabs ------------------------------------------------------------------------------
  const started = {};
  function fail(tab, e) {
    const message = String((e && e.message) || e);
    page.errors.push(message);
    const status = $(tab === "timeline" ? "tl-status" : "nw-status");
    status.textContent = message;
    status.className = "error";
  }

  function show(tab) {
    for (const name of ["query", "timeline", "network"]) {
      $("tab-" + name).hidden = name !== tab;
      $("link-" + name).setAttribute("aria-selected", String(name === tab));
    }
    if (tab === "timeline" && !started.timeline) started.timeline = initTimeline().catch((e) => fail("timeline", e));
    if (tab === "network" && !started.network) started.network = initNetwork().catch((e) => fail("network", e));
    if (tab === "timeline" && timeline) timeline.redraw();
    if (tab === "network" && page.network) page.network.redraw();
  }

  const fromHash = () => {
    const h = location.hash.replace(/^#/, "");
    return ["timeline", "network"].includes(h) ? h : "query";
  };
  window.addEventListener("hashchange", () => show(fromHash()));
  show(fromHash());
})();
