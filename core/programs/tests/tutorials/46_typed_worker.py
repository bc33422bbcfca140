"""Type hints from typing on a small pipeline of worker functions."""
from typing import Dict, List, Optional
from concurrent.futures import ThreadPoolExecutor


def parse(line: str) -> Optional[int]:
    line = line.strip()
    return int(line) if line.lstrip("-").isdigit() else None


def summarise(values: List[Optional[int]]) -> Dict[str, int]:
    good = [v for v in values if v is not None]
    return {"count": len(good), "sum": sum(good), "bad": len(values) - len(good)}


with ThreadPoolExecutor() as ex:
    values = list(ex.map(parse, ["1", " 2", "x", "-4", ""]))
print(values)
print(summarise(values))
