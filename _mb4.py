import numpy as np, timeit
from threadpoolctl import threadpool_limits
threadpool_limits(1)
import autograd.tensor.windows as W
rng=np.random.default_rng(0)
for dt in (np.float32,np.float64):
    cols=rng.standard_normal((64,72,121)).astype(dt)
    f=lambda: W._col2im(cols,(64,8,13,13),(3,3),(1,1))
    w2=rng.standard_normal((16,72)).astype(dt); g=rng.standard_normal((64,16,121)).astype(dt)
    x=rng.standard_normal((64,8,13,13)).astype(dt)
    for name,fn in (("col2im",f),("dcols",lambda: w2.T@g),("columns",lambda: W._columns(x,(3,3),(1,1))),("wdata",lambda: W._weight_data(cols,g,(16,8,3,3)))):
        t=min(timeit.repeat(fn,number=20,repeat=5))/20*1e3; print(dt.__name__, name, f"{t:.3f} ms")
