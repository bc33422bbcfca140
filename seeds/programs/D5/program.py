import threading
import time

class Account:
    def __init__(self, balance):
        self.balance = balance

def draw(account, amount):
    if account.balance >= amount:
        time.sleep(0.1) # blocking can lead to thread switching
        print(threading.current_thread().name,
              "withdraw money successfully")
        account.balance -= amount
        print(threading.current_thread().name,
              "balance", account.balance)

    else:
        print(threading.current_thread().name,
              "withdrawal failure insuffcient balance")

if __name__ == '__main__':
    account = Account(1000)
    ta = threading.Thread(target=draw, args=(account, 800), name="ta")
    tb = threading.Thread(target=draw, args=(account, 800), name="tb")

    ta.start()
    tb.start()
