"""Work split into a grid of tiles with a nested comprehension, rendered by a pool."""
from concurrent.futures import ThreadPoolExecutor

tiles = [(row, col) for row in range(3) for col in range(2)]


def render(tile):
    row, col = tile
    return f"tile {row},{col}: {row * 10 + col}"


with ThreadPoolExecutor(max_workers=3) as ex:
    for line in ex.map(render, tiles):
        print(line)
table = {(r, c): r * c for r in range(1, 3) for c in range(1, 3) if r != c}
print(table)
