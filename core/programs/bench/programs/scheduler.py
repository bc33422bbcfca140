# An object-heavy classic in the spirit of Richards, written for this suite: a scheduler passes
# packets between tasks of four kinds (idle, worker, two handlers, two devices) by priority.
# Method calls on small objects, attribute reads and writes, linked lists, polymorphism.

IDLE, WORKER, HANDLER_A, HANDLER_B, DEVICE_A, DEVICE_B = range(6)
DEVICE_PACKET, WORK_PACKET = 0, 1


class Packet:
    def __init__(self, kind, origin):
        self.link = None
        self.kind = kind
        self.origin = origin
        self.count = 0
        self.data = [0, 0, 0, 0]

    def append_to(self, queue):
        """Put this packet at the end of the queue that starts at `queue`; return the queue's head."""
        self.link = None
        if queue is None:
            return self
        p = queue
        while p.link is not None:
            p = p.link
        p.link = self
        return queue


class Task:
    def __init__(self, sched, ident, priority):
        self.sched = sched
        self.ident = ident
        self.priority = priority
        self.queue = None
        self.held = False
        self.waiting = True

    def runnable(self):
        return not self.held and (self.queue is not None or not self.waiting)

    def take(self):
        p = self.queue
        if p is not None:
            self.queue = p.link
            p.link = None
        return p

    def step(self, packet):
        raise NotImplementedError


class IdleTask(Task):
    def __init__(self, sched, count):
        super().__init__(sched, IDLE, 0)
        self.count = count
        self.seed = 1
        self.waiting = False

    def step(self, packet):
        self.count -= 1
        if self.count == 0:
            self.sched.hold(self)
        elif self.seed & 1:
            self.seed = (self.seed >> 1) ^ 0xD008
            self.sched.release(DEVICE_B)
        else:
            self.seed = self.seed >> 1
            self.sched.release(DEVICE_A)


class WorkerTask(Task):
    def __init__(self, sched):
        super().__init__(sched, WORKER, 1000)
        self.dest = HANDLER_A
        self.letter = 0

    def step(self, packet):
        self.waiting = True
        if packet is None:
            return
        self.dest = HANDLER_B if self.dest == HANDLER_A else HANDLER_A
        packet.count = 0
        for i in range(4):
            self.letter = self.letter % 26 + 1
            packet.data[i] = self.letter
        self.sched.send(packet, self.dest)


class HandlerTask(Task):
    def __init__(self, sched, ident, priority, device):
        super().__init__(sched, ident, priority)
        self.device = device
        self.work = None
        self.device_packets = Packet(DEVICE_PACKET, ident)

    def step(self, packet):
        if packet is not None:
            if packet.kind == WORK_PACKET:
                self.work = packet.append_to(self.work)
            else:
                self.device_packets = packet.append_to(self.device_packets)
        if self.work is not None and self.device_packets is not None:
            w = self.work
            if w.count >= len(w.data):
                self.work = w.link
                self.sched.send(w, WORKER)
            else:
                d = self.device_packets
                self.device_packets = d.link
                d.data[0] = w.data[w.count]
                w.count += 1
                self.sched.send(d, self.device)
        self.waiting = self.work is None or self.device_packets is None


class DeviceTask(Task):
    def __init__(self, sched, ident, priority):
        super().__init__(sched, ident, priority)
        self.pending = None

    def step(self, packet):
        if packet is None:
            self.waiting = True
            if self.pending is not None:
                p = self.pending
                self.pending = None
                self.sched.send(p, p.origin)
        else:
            self.pending = packet
            self.sched.output += packet.data[0]
            self.waiting = False
            self.sched.hold(self)


class Scheduler:
    def __init__(self):
        self.tasks = {}
        self.order = []
        self.switches = 0
        self.sent = 0
        self.holds = 0
        self.output = 0

    def add(self, task):
        self.tasks[task.ident] = task
        self.order.append(task)
        self.order.sort(key=lambda t: t.priority, reverse=True)

    def send(self, packet, ident):
        task = self.tasks[ident]
        task.queue = packet.append_to(task.queue)
        self.sent += 1

    def hold(self, task):
        task.held = True
        self.holds += 1

    def release(self, ident):
        self.tasks[ident].held = False

    def run(self):
        while True:
            task = None
            for t in self.order:
                if t.runnable():
                    task = t
                    break
            if task is None:
                return
            self.switches += 1
            task.step(task.take())


def bench(count):
    s = Scheduler()
    s.add(IdleTask(s, count))
    worker = WorkerTask(s)
    s.add(worker)
    for _ in range(2):
        worker.queue = Packet(WORK_PACKET, WORKER).append_to(worker.queue)
    s.add(HandlerTask(s, HANDLER_A, 2000, DEVICE_A))
    s.add(HandlerTask(s, HANDLER_B, 3000, DEVICE_B))
    s.add(DeviceTask(s, DEVICE_A, 4000))
    s.add(DeviceTask(s, DEVICE_B, 5000))
    s.run()
    return s


s = bench(60000)
print(s.switches, s.sent, s.holds, s.output)
