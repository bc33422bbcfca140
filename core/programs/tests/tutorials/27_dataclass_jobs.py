"""Dataclasses describing jobs, sorted by priority and run on a thread pool."""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field


@dataclass(order=True)
class Job:
    priority: int
    name: str = field(compare=False)
    tags: list = field(default_factory=list, compare=False)

    def run(self):
        return f"{self.name} done"


jobs = [Job(2, "backup"), Job(1, "deploy", ["urgent"]), Job(3, "cleanup")]
print(sorted(jobs)[0])
print(Job(1, "a") == Job(1, "b"))
with ThreadPoolExecutor(max_workers=2) as ex:
    print(list(ex.map(Job.run, sorted(jobs))))
