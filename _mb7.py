import numpy as np, timeit
from threadpoolctl import threadpool_limits
threadpool_limits(1)
import autograd.tensor.windows as W
rng=np.random.default_rng(0)
def whole(x,w,rows):
    cols=W._columns(x,(3,3),(1,1),rows); return w.reshape(w.shape[0],-1)@cols
def chunked(x,w,rows,size):
    n=x.shape[0]; outs=[]
    w2=w.reshape(w.shape[0],-1)
    for s in range(0,n,size):
        outs.append(w2@W._columns(x[s:s+size],(3,3),(1,1),rows))
    return np.concatenate(outs)
def chunked2(x,w,rows,size):
    n=x.shape[0]; w2=w.reshape(w.shape[0],-1); out=None
    for s in range(0,n,size):
        p=w2@W._columns(x[s:s+size],(3,3),(1,1),rows)
        if out is None: out=np.empty((n,)+p.shape[1:],p.dtype)
        out[s:s+size]=p
    return out
for dt in (np.float64,np.float32):
  for (C,O,H,rows) in [(1,8,28,False),(8,16,13,True)]:
    x=rng.standard_normal((64,C,H,H)).astype(dt); w=rng.standard_normal((O,C,3,3)).astype(dt)
    res=[]
    for size in (4,8,16):
        r=[]
        for _ in range(5):
            a=min(timeit.repeat(lambda: whole(x,w,rows),number=10,repeat=3)); b=min(timeit.repeat(lambda: chunked2(x,w,rows,size),number=10,repeat=3)); r.append(b/a)
        res.append(f"chunk{size} {np.median(r):.2f}")
    print(dt.__name__, C, f"whole {a/10*1e3:.3f} ms", " ".join(res))
