import flask, math, json
from concurrent.futures import ProcessPoolExecutor

app = flask.Flask(__name__)
process_pool = ProcessPoolExecutor()


def is_prime(n):
    if n < 2:
        return False
    if n == 2:
        return True
    if n % 2 == 0:
        return False
    sqrt_n = int(math.floor(math.sqrt(n)))
    for i in range(3, sqrt_n + 1, 2):
        if n % i == 0:
            return False
    return True


@app.route("/is_prime/<numbers>")
def api_is_prime(numbers):
    number_list = [int(x) for x in numbers.split(",")]
    results = process_pool.map(is_prime, number_list)
    return json.dumps(dict(zip(number_list, results)))


if __name__ == '__main__':
    # The seed serves the app with app.run() and opens http://127.0.0.1:5000/is_prime/1,2,3,4. A
    # program cannot open a port here, so Flask's own test client asks for the same page.
    client = app.test_client()
    print(client.get('/is_prime/1,2,3,4').get_data(as_text=True))
    print(client.get('/is_prime/97,1000003,1000001').get_data(as_text=True))
