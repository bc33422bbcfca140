//! `heapq`, written in Python (see [`crate::vm::pylib`]): `heappush`, `heappop`, `heapify`,
//! `heappushpop`, `heapreplace`, `nlargest`, `nsmallest` and `merge`, over a program's list, in the
//! order CPython's heap algorithm leaves it (the same sift-down and sift-up as `queue.PriorityQueue`
//! in `queue.rs`, which works on its own `VecDeque` under the queue's lock, where `heapq` works on a
//! list the program holds).

use crate::object::Ctx;
use crate::object::Value;

/// `heapq.name`.
pub(crate) fn attr(ctx: &Ctx, name: &str) -> Option<Value> {
    crate::vm::pylib::attr(ctx, "heapq", "heapq", SOURCE, name)
}

const SOURCE: &str = r#"
class heapq:
    def build():
        def check_list(heap, name):
            if not isinstance(heap, list):
                raise TypeError(f"{name}() argument 1 must be list, not {type(heap).__name__}")

        # The item at pos moved toward the root while it is smaller than its parent.
        def siftdown(heap, startpos, pos):
            newitem = heap[pos]
            while pos > startpos:
                parentpos = (pos - 1) >> 1
                parent = heap[parentpos]
                if newitem < parent:
                    heap[pos] = parent
                    pos = parentpos
                    continue
                break
            heap[pos] = newitem

        # The smaller child moved up until a leaf is reached, then the item sifted down from there.
        def siftup(heap, pos):
            endpos = len(heap)
            startpos = pos
            newitem = heap[pos]
            childpos = 2 * pos + 1
            while childpos < endpos:
                rightpos = childpos + 1
                if rightpos < endpos and not heap[childpos] < heap[rightpos]:
                    childpos = rightpos
                heap[pos] = heap[childpos]
                pos = childpos
                childpos = 2 * pos + 1
            heap[pos] = newitem
            siftdown(heap, startpos, pos)

        def heappush(heap, item):
            check_list(heap, "heappush")
            heap.append(item)
            siftdown(heap, 0, len(heap) - 1)

        def heappop(heap):
            check_list(heap, "heappop")
            if not heap:
                raise IndexError("index out of range")
            lastelt = heap.pop()
            if heap:
                returnitem = heap[0]
                heap[0] = lastelt
                siftup(heap, 0)
                return returnitem
            return lastelt

        def heapreplace(heap, item):
            check_list(heap, "heapreplace")
            if not heap:
                raise IndexError("index out of range")
            returnitem = heap[0]
            heap[0] = item
            siftup(heap, 0)
            return returnitem

        def heappushpop(heap, item):
            check_list(heap, "heappushpop")
            if heap and heap[0] < item:
                item, heap[0] = heap[0], item
                siftup(heap, 0)
            return item

        def heapify(x):
            check_list(x, "heapify")
            n = len(x)
            for i in reversed(range(n // 2)):
                siftup(x, i)

        def nsmallest(n, iterable, key=None):
            items = list(iterable)
            if key is None:
                return sorted(items)[:max(n, 0)]
            return sorted(items, key=key)[:max(n, 0)]

        def nlargest(n, iterable, key=None):
            items = list(iterable)
            if key is None:
                return sorted(items, reverse=True)[:max(n, 0)]
            return sorted(items, key=key, reverse=True)[:max(n, 0)]

        def merge(*iterables, key=None, reverse=False):
            iterators = [iter(it) for it in iterables]
            current = []
            for order, it in enumerate(iterators):
                for value in it:
                    current.append([value if key is None else key(value), order, value, it])
                    break
            while current:
                best = 0
                for i in range(1, len(current)):
                    a, b = current[i], current[best]
                    if reverse:
                        better = b[0] < a[0] or (not a[0] < b[0] and a[1] < b[1])
                    else:
                        better = a[0] < b[0] or (not b[0] < a[0] and a[1] < b[1])
                    if better:
                        best = i
                entry = current[best]
                yield entry[2]
                for value in entry[3]:
                    entry[0] = value if key is None else key(value)
                    entry[2] = value
                    break
                else:
                    current.pop(best)

        return {
            "heappush": heappush, "heappop": heappop, "heapify": heapify,
            "heapreplace": heapreplace, "heappushpop": heappushpop,
            "nlargest": nlargest, "nsmallest": nsmallest, "merge": merge,
        }

    names = build()
"#;
