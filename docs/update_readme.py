"""Rewrite the README's configuration reference from the pydantic models (run after changing them).

    .venv/bin/python docs/update_readme.py
"""

from pathlib import Path

from parcours.config import config_reference

readme = Path(__file__).parents[1] / "README.md"
text = readme.read_text(encoding="utf-8")
start = text.index("### parcours.yaml")
end = text.index("## Development")
readme.write_text(text[:start] + config_reference() + "\n" + text[end:], encoding="utf-8")
print(f"updated {readme}")
