"""The team's gold tables in eval/*.tsv: '#' comments, a header line, tab-separated rows."""


def rows(path):
    """Each row of the table at `path` as a dict keyed by the header."""
    header, out = None, []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        out.append(dict(zip(header, cells)))
    return out
