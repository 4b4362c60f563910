"""XES reader and writer: namespaces, gzip, trace and nested attributes, errors, schema, round trip."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from parcours.ingest.xes import XESFormatError, iter_xes_batches, write_xes, xes_columns

NS = 'xmlns="http://www.xes-standard.org/"'

BODY = """
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <global scope="trace"><string key="concept:name" value="UNKNOWN"/></global>
  <global scope="event">
    <string key="concept:name" value="UNKNOWN"/>
    <string key="org:resource" value="nobody"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <string key="origin" value="log-level attribute, not a row"/>
  <trace>
    <string key="concept:name" value="c1"/>
    <date key="start" value="2024-01-01T00:00:00.000+01:00"/>
    <event>
      <string key="concept:name" value="visit"/>
      <date key="time:timestamp" value="2024-01-01T10:00:00.000+01:00"/>
      <string key="org:resource" value="web"/>
      <string key="lifecycle:transition" value="complete"/>
      <int key="pages" value="007"/>
    </event>
    <event>
      <string key="concept:name" value="buy &amp; pay"/>
      <date key="time:timestamp" value="2024-01-01T10:05:00+01:00"/>
      <float key="amount" value="12.50"/>
      <boolean key="first" value="TRUE"/>
      <id key="order" value="a-1"/>
    </event>
  </trace>
  <trace>
    <string key="concept:name" value="c2"/>
    <event>
      <string key="concept:name" value="call"/>
    </event>
  </trace>
"""


def xes(path: Path, body: str = BODY, root: str = f"<log xes.version=\"1849-2016\" {NS}>",
        end: str = "</log>") -> Path:
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n{root}{body}{end}\n', encoding="utf-8")
    return path


def rows(path: Path, **kw) -> list[dict]:
    return [r for b in iter_xes_batches(path, **kw) for r in b.to_pylist()]


EXPECTED = [
    {"row": 1, "case:concept:name": "c1", "case:start": "2024-01-01T00:00:00.000+01:00",
     "concept:name": "visit", "time:timestamp": "2024-01-01T10:00:00.000+01:00",
     "org:resource": "web", "lifecycle:transition": "complete", "pages": "007",
     "amount": None, "first": None, "order": None},
    {"row": 2, "case:concept:name": "c1", "case:start": "2024-01-01T00:00:00.000+01:00",
     "concept:name": "buy & pay", "time:timestamp": "2024-01-01T10:05:00+01:00",
     "org:resource": None, "lifecycle:transition": None, "pages": None,
     "amount": "12.50", "first": "TRUE", "order": "a-1"},
    {"row": 3, "case:concept:name": "c2", "case:start": None, "concept:name": "call",
     "time:timestamp": None, "org:resource": None, "lifecycle:transition": None, "pages": None,
     "amount": None, "first": None, "order": None},
]


def test_one_string_row_per_event_values_as_written_globals_not_applied(tmp_path):
    path = xes(tmp_path / "log.xes")
    [batch] = list(iter_xes_batches(path))
    assert batch.schema.field("row").type == pa.int64()
    assert all(f.type == pa.string() for f in batch.schema if f.name != "row")
    assert batch.to_pylist() == EXPECTED  # missing attributes are null, not the <global> defaults
    assert batch.schema.names == ["row", "case:concept:name", "case:start", "concept:name",
                                  "time:timestamp", "org:resource", "lifecycle:transition", "pages",
                                  "amount", "first", "order"]


@pytest.mark.parametrize("root", [
    "<log>",
    f"<log {NS}>",
    '<x:log xmlns:x="http://www.xes-standard.org/">',
])
def test_with_or_without_namespace(tmp_path, root):
    body = BODY
    if root.startswith("<x:"):  # prefixed namespace: every element carries the prefix
        body = (body.replace("<", "<x:").replace("<x:/", "</x:"))
        end = "</x:log>"
    else:
        end = "</log>"
    path = xes(tmp_path / "log.xes", body, root, end)
    assert rows(path) == EXPECTED
    assert xes_columns(path) == [k for k in EXPECTED[0] if k != "row"]


def test_gzip_detected_by_magic_bytes_not_name(tmp_path):
    plain = xes(tmp_path / "log.xes").read_bytes()
    (tmp_path / "zipped.xes").write_bytes(gzip.compress(plain))  # gzip without .gz
    (tmp_path / "plain.xes.gz").write_bytes(plain)  # .gz name, plain content
    (tmp_path / "log.xes.gz").write_bytes(gzip.compress(plain))
    for name in ("zipped.xes", "plain.xes.gz", "log.xes.gz"):
        assert rows(tmp_path / name) == EXPECTED, name


def test_truncated_gzip_is_a_format_error(tmp_path):
    data = gzip.compress(xes(tmp_path / "log.xes", BODY * 50).read_bytes())
    path = tmp_path / "cut.xes.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(XESFormatError, match=r"cut\.xes\.gz: corrupt or truncated gzip"):
        rows(path)


def test_trace_attributes_and_events_outside_traces(tmp_path):
    body = """
      <event><string key="concept:name" value="orphan-before"/></event>
      <trace>
        <string key="concept:name" value="c1"/>
        <int key="age" value="42"/>
        <event><string key="concept:name" value="a"/><string key="case:age" value="event wins"/></event>
        <event><string key="concept:name" value="b"/></event>
      </trace>
      <trace>
        <string key="segment" value="no case id"/>
        <event><string key="concept:name" value="c"/></event>
      </trace>
      <event><string key="concept:name" value="orphan-after"/></event>
      <trace><string key="concept:name" value="empty trace, no rows"/></trace>
    """
    path = xes(tmp_path / "log.xes", body, root="<log>")
    got = [(r["row"], r["case:concept:name"], r["case:age"], r["case:segment"], r["concept:name"])
           for r in rows(path, columns=xes_columns(path))]
    assert got == [
        (1, None, None, None, "orphan-before"),
        (2, "c1", "event wins", None, "a"),
        (3, "c1", "42", None, "b"),
        (4, None, None, "no case id", "c"),
        (5, None, None, None, "orphan-after"),
    ]


def test_trace_attributes_after_an_event_are_ignored(tmp_path):
    body = """<trace><string key="concept:name" value="c1"/>
      <event><string key="concept:name" value="a"/></event>
      <string key="late" value="ignored"/>
      <event><string key="concept:name" value="b"/></event></trace>"""
    path = xes(tmp_path / "log.xes", body)
    assert rows(path) == [{"row": 1, "case:concept:name": "c1", "concept:name": "a"},
                          {"row": 2, "case:concept:name": "c1", "concept:name": "b"}]


def test_many_small_batches_keep_every_event_in_order(tmp_path):
    # traces, empty traces and trace-less events mixed: the tree pruning must not lose any event
    parts, expected = [], []
    for i in range(300):
        if i % 3 == 0:
            parts.append(f'<event><int key="i" value="{i}"/></event>')
            expected.append((None, str(i)))
        elif i % 3 == 1:
            parts.append(f'<trace><string key="concept:name" value="t{i}"/>'
                         f'<event><int key="i" value="{i}"/></event>'
                         f'<event><int key="i" value="{i}b"/></event></trace><trace/>')
            expected += [(f"t{i}", str(i)), (f"t{i}", f"{i}b")]
        else:
            parts.append(f'<trace><event><int key="i" value="{i}"/></event></trace>')
            expected.append((None, str(i)))
    path = xes(tmp_path / "log.xes", "\n".join(parts))
    for batch_rows in (1, 7, 50_000):
        got = [(r["case:concept:name"], r["i"]) for r in rows(path, batch_rows=batch_rows,
                                                               columns=xes_columns(path))]
        assert got == expected, batch_rows


def test_nested_attributes_are_flattened_with_colons(tmp_path):
    body = """
      <trace>
        <string key="concept:name" value="c1"/>
        <container key="address"><string key="city" value="Lyon"/></container>
        <event>
          <string key="concept:name" value="a">
            <string key="lang" value="fr"/>
          </string>
          <list key="items">
            <values>
              <string key="sku" value="X1"/>
              <int key="qty" value="2"/>
            </values>
          </list>
          <container key="device">
            <string key="os" value="iOS"/>
            <container key="screen"><int key="width" value="390"/></container>
          </container>
          <string key="no-value"/>
          <string value="no key"/>
        </event>
      </trace>
    """
    path = xes(tmp_path / "log.xes", body, root="<log>")
    [r] = rows(path)
    assert r == {
        "row": 1, "case:concept:name": "c1", "case:address:city": "Lyon", "concept:name": "a",
        "concept:name:lang": "fr", "items:sku": "X1", "items:qty": "2", "device:os": "iOS",
        "device:screen:width": "390",
    }


def test_event_attribute_named_row_does_not_clash_with_the_position(tmp_path):
    body = '<trace><event><int key="row" value="99"/></event></trace>'
    path = xes(tmp_path / "log.xes", body, root="<log>")
    assert xes_columns(path) == ["event:row"]
    assert rows(path) == [{"row": 1, "event:row": "99"}]
    assert rows(path, columns=["event:row"]) == [{"row": 1, "event:row": "99"}]


def test_malformed_xml_names_file_and_line(tmp_path):
    body = BODY.replace("</event>\n    <event>", "</evnt>\n    <event>", 1)
    path = xes(tmp_path / "broken.xes", body)
    with pytest.raises(XESFormatError) as info:
        rows(path)
    msg = str(info.value)
    line = body.count("\n", 0, body.index("</evnt>")) + 2  # the declaration and the <log> line
    assert msg.startswith(f"{path}: not well-formed XML at line {line}: "), msg
    assert "mismatch" in msg
    assert isinstance(info.value, ValueError)
    with pytest.raises(XESFormatError, match="not well-formed XML"):
        xes_columns(path)


@pytest.mark.parametrize("content", ["", "case,activity\n1,a\n", "<log><trace>"])
def test_not_xml_at_all(tmp_path, content):
    path = tmp_path / "bad.xes"
    path.write_text(content)
    with pytest.raises(XESFormatError, match=r"bad\.xes: not well-formed XML at line \d+: "):
        rows(path)


@pytest.mark.parametrize("doc", [
    "<html><body>hello</body></html>",
    "<root><trace><event><string key='a' value='b'/></event></trace></root>",
    "<root><log><trace><event/></trace></log></root>",
])
def test_root_must_be_log(tmp_path, doc):
    path = tmp_path / "other.xml"
    path.write_text(doc)
    with pytest.raises(XESFormatError, match=r"other\.xml: not an XES log: the root element is <"):
        rows(path)


def test_empty_log_has_no_batches(tmp_path):
    path = xes(tmp_path / "log.xes", "<trace><string key='concept:name' value='c'/></trace>")
    assert list(iter_xes_batches(path)) == []
    assert xes_columns(path) == []


def test_batches_have_their_own_keys_unless_columns_are_given(tmp_path):
    body = "".join(
        f'<trace><string key="concept:name" value="c{i}"/>'
        f'<event><string key="concept:name" value="a"/><int key="k{i}" value="{i}"/></event>'
        f'<event><string key="concept:name" value="b"/></event></trace>'
        for i in range(5))
    path = xes(tmp_path / "log.xes", body)
    batches = list(iter_xes_batches(path, batch_rows=3))
    assert [b.num_rows for b in batches] == [3, 3, 3, 1]
    assert [b.schema.names for b in batches] == [
        ["row", "case:concept:name", "concept:name", "k0", "k1"],
        ["row", "case:concept:name", "concept:name", "k2"],
        ["row", "case:concept:name", "concept:name", "k3", "k4"],
        ["row", "case:concept:name", "concept:name"],
    ]
    assert [r for b in batches for r in b.column("row").to_pylist()] == list(range(1, 11))

    columns = xes_columns(path)
    assert columns == ["case:concept:name", "concept:name", "k0", "k1", "k2", "k3", "k4"]
    batches = list(iter_xes_batches(path, batch_rows=3, columns=columns))
    assert {tuple(b.schema.names) for b in batches} == {("row", *columns)}
    assert len({b.schema for b in batches}) == 1  # one schema: the batches concatenate
    table = pa.Table.from_batches(batches)
    assert table.column("k4").to_pylist() == [None] * 8 + ["4", None]
    assert table.column("case:concept:name").to_pylist() == [f"c{i // 2}" for i in range(10)]

    # explicit columns are a projection: unknown ones are null, unlisted keys are dropped
    [b] = list(iter_xes_batches(path, columns=["k2", "nope", "case:concept:name", "row"]))
    assert b.schema.names == ["row", "k2", "nope", "case:concept:name"]
    assert b.column("nope").null_count == 10 and b.column("k2").to_pylist()[4] == "2"


def test_batch_rows_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="batch_rows"):
        rows(xes(tmp_path / "log.xes"), batch_rows=0)


def test_missing_file_is_an_oserror(tmp_path):
    with pytest.raises(FileNotFoundError):
        rows(tmp_path / "nope.xes")


# ---------------------------------------------------------------------------------------- writing

def _sample() -> pd.DataFrame:
    return pd.DataFrame({
        "case:concept:name": ["c1", "c2", "c1", None, "c2", "c1"],
        "concept:name": ["visit", "call", "buy", "orphan", "hang up", "leave"],
        "time:timestamp": pd.to_datetime([
            "2024-01-01 10:00:00", "2024-01-01 10:01:00.250", "2024-01-01 10:02:00",
            "2024-01-01 10:03:00", "2024-01-01 10:04:00", "2024-01-01 10:05:00.000123"], format="ISO8601"),
        "org:resource": ["web", "agent 7", None, "bot", "agent 7", "web"],
        "amount": [None, None, 12.5, None, float("inf"), 0.1],
        "pages": pd.array([3, None, 1, 2, None, 5], dtype="Int64"),
        "vip": pd.array([True, False, None, True, False, True], dtype="boolean"),
        "note": ["<&\"'>", "é ü ∑", None, "", "x", "tab\there"],
        "case:segment": ["gold", "silver", "ignored: not first row", None, "silver", "gold"],
        "case:since": pd.to_datetime(["2020-05-01", "2021-06-01", None, None, None, None]),
    })


def _values(series: pd.Series, order: list[int]) -> list:
    return [None if pd.isna(v) else v for v in series.iloc[order]]


def test_write_then_read_gives_the_same_rows(tmp_path):
    df = _sample()
    path = tmp_path / "out.xes"
    write_xes(df, path)
    back = pa.Table.from_batches(list(iter_xes_batches(path, columns=xes_columns(path))))
    col = {name: back.column(name).to_pylist() for name in back.column_names}
    order = [0, 2, 5, 1, 4, 3]  # cases in first-appearance order, row order kept within a case
    assert col["row"] == [1, 2, 3, 4, 5, 6]
    assert col["case:concept:name"] == ["c1", "c1", "c1", "c2", "c2", None]  # null case: no trace
    for name in ("concept:name", "org:resource", "note"):
        assert col[name] == _values(df[name], order), name
    ts = pd.to_datetime(pd.Series(col["time:timestamp"]), format="ISO8601", utc=True)
    assert ts.dt.tz_localize(None).tolist() == df["time:timestamp"].iloc[order].tolist()
    assert col["time:timestamp"][0] == "2024-01-01T10:00:00.000+00:00"  # naive = UTC, milliseconds
    assert col["time:timestamp"][2] == "2024-01-01T10:05:00.000123+00:00"
    assert [None if v is None else float(v) for v in col["amount"]] == _values(df["amount"], order)
    assert [None if v is None else int(v) for v in col["pages"]] == _values(df["pages"], order)
    assert [None if v is None else v == "true" for v in col["vip"]] == _values(df["vip"], order)
    # trace attributes come from the first row of the case; rows outside traces have none
    assert col["case:segment"] == ["gold"] * 3 + ["silver"] * 2 + [None]
    assert col["case:since"] == ["2020-05-01T00:00:00.000+00:00"] * 3 \
        + ["2021-06-01T00:00:00.000+00:00"] * 2 + [None]

    text = path.read_text(encoding="utf-8")
    assert 'xmlns="http://www.xes-standard.org/"' in text and 'xes.version="1849-2016"' in text
    for tag, key in [("float", "amount"), ("int", "pages"), ("boolean", "vip"), ("date", "time:timestamp"),
                     ("string", "note"), ("date", "since"), ("string", "segment")]:
        assert f'<{tag} key="{key}" value=' in text, (tag, key)
    assert 'value="INF"' in text


def test_write_round_trips_what_was_read(tmp_path):
    src = xes(tmp_path / "log.xes")
    table = pa.Table.from_batches(list(iter_xes_batches(src, columns=xes_columns(src))))
    out = tmp_path / "again.xes.gz"
    write_xes(table, out)  # all strings: timestamps stay verbatim, the row column is not written
    assert out.read_bytes()[:2] == b"\x1f\x8b"
    again = pa.Table.from_batches(list(iter_xes_batches(out, columns=table.column_names)))
    assert again.to_pylist() == table.to_pylist() == EXPECTED
    assert "<date key=\"time:timestamp\"" in gzip.decompress(out.read_bytes()).decode()


def test_write_arrow_time_zones_and_custom_column_names(tmp_path):
    paris = pa.array([datetime(2024, 7, 1, 8, 0, 0, 500000, tzinfo=UTC)] * 2,
                     pa.timestamp("ms", "Europe/Paris"))
    table = pa.table({"customer": [17, 17], "what": ["a", "b"], "when": paris, "who": [1, 2],
                      "event:row": [5, 6], "row": [1, 2]})
    path = tmp_path / "t.xes"
    write_xes(table, path, case_column="customer", activity_column="what", timestamp_column="when",
              resource_column="who")
    got = rows(path)
    assert got == [
        {"row": 1, "case:concept:name": "17", "concept:name": "a",
         "time:timestamp": "2024-07-01T10:00:00.500+02:00", "org:resource": "1", "event:row": "5"},
        {"row": 2, "case:concept:name": "17", "concept:name": "b",
         "time:timestamp": "2024-07-01T10:00:00.500+02:00", "org:resource": "2", "event:row": "6"},
    ]
    assert '<string key="org:resource" value="1"/>' in path.read_text()  # standard keys are strings


def test_write_errors(tmp_path):
    with pytest.raises(ValueError, match="case column 'case:concept:name' is not in the table"):
        write_xes(pd.DataFrame({"a": [1]}), tmp_path / "x.xes")
    with pytest.raises(ValueError, match="concept:name"):
        write_xes(pd.DataFrame({"case:concept:name": ["c"], "activity": ["a"], "concept:name": ["b"]}),
                  tmp_path / "x.xes", activity_column="activity")
    with pytest.raises(ValueError, match="cannot be written as XML"):
        write_xes(pd.DataFrame({"case:concept:name": ["c"], "concept:name": ["bell\x07"]}),
                  tmp_path / "x.xes")
    assert not list(tmp_path.iterdir())  # no half-written file left behind


def test_write_empty_table(tmp_path):
    path = tmp_path / "empty.xes"
    write_xes(pa.table({"case:concept:name": pa.array([], pa.string())}), path)
    assert rows(path) == []


# ---------------------------------------------------------------------------------------- scale

def _big_log(path: Path, target_bytes: int) -> int:
    """Write a synthetic log of about ``target_bytes``, a trace at a time; return its event count."""
    events = 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1849-2016" {NS}>\n')
        case = 0
        while f.tell() < target_bytes:
            parts = []
            for _ in range(100):
                case += 1
                parts.append(f'\t<trace>\n\t\t<string key="concept:name" value="case-{case}"/>\n')
                for j in range(10):
                    events += 1
                    parts.append(
                        "\t\t<event>\n"
                        f'\t\t\t<string key="concept:name" value="activity {j}"/>\n'
                        f'\t\t\t<date key="time:timestamp" value="2024-01-01T10:{j:02d}:00.000+01:00"/>\n'
                        f'\t\t\t<string key="org:resource" value="agent {events % 97}"/>\n'
                        '\t\t\t<string key="lifecycle:transition" value="complete"/>\n'
                        f'\t\t\t<float key="amount" value="{events * 0.25}"/>\n'
                        "\t\t</event>\n")
                parts.append("\t</trace>\n")
            f.write("".join(parts))
        f.write("</log>\n")
    return events


MEASURE = """
import json, pathlib, resource, sys, tempfile, time
from parcours.ingest.xes import iter_xes_batches
warm = pathlib.Path(tempfile.mkdtemp()) / "warm.xes"  # load lxml, Arrow kernels... before measuring
warm.write_text('<log><trace><string key="concept:name" value="c"/>'
                '<event><string key="concept:name" value="a"/></event></trace></log>')
list(iter_xes_batches(warm))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
n = 0
start = time.perf_counter()
for batch in iter_xes_batches(sys.argv[1], batch_rows=20_000):
    n += batch.num_rows
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": n, "growth": (after - before) * 1024, "seconds": seconds}))
"""


def _measure(path: Path) -> dict:
    # A fresh interpreter, so that the peak RSS measured is this iteration's and no earlier test's.
    out = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


@pytest.mark.slow
def test_memory_stays_flat_on_a_100_mb_log(tmp_path):
    small, big = tmp_path / "small.xes", tmp_path / "big.xes"
    small_events, big_events = _big_log(small, 10_000_000), _big_log(big, 100_000_000)
    size = big.stat().st_size
    on_small, on_big = _measure(small), _measure(big)
    assert (on_small["rows"], on_big["rows"]) == (small_events, big_events)
    print(f"\npeak RSS growth: {on_small['growth'] / 1e6:.1f} MB on {small.stat().st_size / 1e6:.0f} MB, "
          f"{on_big['growth'] / 1e6:.1f} MB on {size / 1e6:.0f} MB "
          f"({big_events / on_big['seconds']:,.0f} events/s)")
    assert on_big["growth"] < size / 5, f"peak RSS grew by {on_big['growth'] / 1e6:.0f} MB"
    # flat: ten times the file, (about) the same memory; what grows is one batch, not the file
    assert on_big["growth"] < on_small["growth"] + 16e6
