"""An RLock can be taken again by the thread that holds it: handy for methods calling methods."""
import threading


class Account:
    def __init__(self, balance):
        self.balance = balance
        self.lock = threading.RLock()

    def deposit(self, amount):
        with self.lock:
            self.balance += amount

    def withdraw(self, amount):
        with self.lock:
            if amount > self.balance:
                raise ValueError(f"cannot withdraw {amount}, balance is {self.balance}")
            self.balance -= amount

    def transfer_in(self, amounts):
        # Holds the lock while calling deposit(), which takes it again.
        with self.lock:
            for a in amounts:
                self.deposit(a)
            return self.balance


acct = Account(100)
threads = [threading.Thread(target=acct.transfer_in, args=([1, 2, 3],)) for _ in range(5)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("balance:", acct.balance)
try:
    acct.withdraw(1000)
except ValueError as e:
    print("refused:", e)
