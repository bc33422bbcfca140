import queue

# 创建Queue
q = queue.Queue()

# 添加元素 (the seed leaves item undefined: here, a URL)
item = "http://127.0.0.1:8080/pages/1"
q.put(item)

# 获取元素
item = q.get()

# 查询状态
q.qsize()  # 查看元素的多少
q.empty()  # 判断是否为空
q.full()  # 判断是否已满
