# A small n-body simulation: five bodies under gravity, fixed time step, floats and attribute access.
# The bodies are made up for this suite; the result is the total energy before and after.
import math


class Body:
    def __init__(self, x, y, z, vx, vy, vz, mass):
        self.x = x
        self.y = y
        self.z = z
        self.vx = vx
        self.vy = vy
        self.vz = vz
        self.mass = mass


def make_bodies():
    return [
        Body(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 40.0),
        Body(5.0, 0.0, 0.1, 0.0, 2.8, 0.0, 0.05),
        Body(-8.0, 1.0, 0.0, 0.1, -2.2, 0.05, 0.02),
        Body(0.5, 12.0, -0.3, -1.8, 0.0, 0.0, 0.01),
        Body(-3.0, -15.0, 0.2, 1.6, 0.2, -0.02, 0.003),
    ]


def energy(bodies):
    e = 0.0
    n = len(bodies)
    for i in range(n):
        a = bodies[i]
        e += 0.5 * a.mass * (a.vx * a.vx + a.vy * a.vy + a.vz * a.vz)
        for j in range(i + 1, n):
            b = bodies[j]
            dx = a.x - b.x
            dy = a.y - b.y
            dz = a.z - b.z
            e -= a.mass * b.mass / math.sqrt(dx * dx + dy * dy + dz * dz)
    return e


def advance(bodies, dt, steps):
    n = len(bodies)
    for _ in range(steps):
        for i in range(n):
            a = bodies[i]
            for j in range(i + 1, n):
                b = bodies[j]
                dx = a.x - b.x
                dy = a.y - b.y
                dz = a.z - b.z
                d2 = dx * dx + dy * dy + dz * dz
                mag = dt / (d2 * math.sqrt(d2))
                bm = b.mass * mag
                am = a.mass * mag
                a.vx -= dx * bm
                a.vy -= dy * bm
                a.vz -= dz * bm
                b.vx += dx * am
                b.vy += dy * am
                b.vz += dz * am
        for body in bodies:
            body.x += dt * body.vx
            body.y += dt * body.vy
            body.z += dt * body.vz


bodies = make_bodies()
before = energy(bodies)
advance(bodies, 0.001, 40000)
after = energy(bodies)
print(f"{before:.9f} {after:.9f}")
