"""Two threads take turns, coordinated by a Condition and wait_for()."""
import threading

cond = threading.Condition()
turn = "ping"
log = []


def player(me, other, rounds):
    global turn
    for i in range(rounds):
        with cond:
            cond.wait_for(lambda: turn == me)
            log.append(f"{me} {i}")
            turn = other
            cond.notify_all()


a = threading.Thread(target=player, args=("ping", "pong", 4))
b = threading.Thread(target=player, args=("pong", "ping", 4))
b.start()
a.start()
a.join()
b.join()
for line in log:
    print(line)
