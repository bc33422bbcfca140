"""submit() gives futures; as_completed() yields each as it finishes (we sort for a stable print)."""
from concurrent.futures import ThreadPoolExecutor, as_completed

URLS = ["https://example.com/a", "https://example.com/bb", "https://example.com/ccc"]


def fake_fetch(url):
    # No network here: the "page" is derived from the URL.
    return len(url) * 100


with ThreadPoolExecutor(max_workers=3) as pool:
    future_to_url = {pool.submit(fake_fetch, url): url for url in URLS}
    sizes = {}
    for future in as_completed(future_to_url):
        url = future_to_url[future]
        sizes[url] = future.result()

for url in URLS:
    print(f"{url} -> {sizes[url]} bytes")
print("done futures:", all(f.done() for f in future_to_url))
