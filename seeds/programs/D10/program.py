import json
import time
import flask

app = flask.Flask(__name__)


def read_file():
    time.sleep(0.1)
    return "read_file"


def read_db():
    time.sleep(0.2)
    return "read_db"


def read_api():
    time.sleep(0.3)
    return "read_api"


@app.route('/')
def index():
    result_file = read_file()
    result_db = read_db()
    result_api = read_api()

    return json.dumps({
        "result_file": result_file,
        "result_db": result_db,
        "result_api": result_api
    })


if __name__ == '__main__':
    # The seed serves the app with app.run() and times one request with `time curl`. A program cannot
    # open a port here, so Flask's own test client makes that request, and the program times it.
    start = time.time()
    response = app.test_client().get('/')
    print(response.status_code, response.get_data(as_text=True))
    print(f"{time.time() - start:.1f}s")
