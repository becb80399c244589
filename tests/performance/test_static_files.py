from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKERS = ("<<<<<<< ", "\n=======\n", ">>>>>>> ")


def test_stylesheets_scripts_and_templates_hold_no_merge_conflict_markers():
    # A leftover marker in kam.css once silently dropped the chart sizes: browsers skip the broken rule.
    files = [*(ROOT / "static" / "css").glob("*.css"), *(ROOT / "static" / "js").glob("*.js"),
             *(ROOT / "templates").rglob("*.html")]
    broken = [str(path.relative_to(ROOT)) for path in files if any(m in path.read_text(encoding="utf-8") for m in MARKERS)]
    assert broken == []
