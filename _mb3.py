import numpy as np, timeit
from threadpoolctl import threadpool_limits
threadpool_limits(1)
rng=np.random.default_rng(0)
for dt in (np.float32,np.float64):
  for (N,C,H) in [(64,8,26),(64,16,11)]:
    x=rng.standard_normal((N,C,H,H)).astype(dt); OH=H//2
    offs=[(slice(None),slice(None),slice(p,p+2*(OH-1)+1,2),slice(q,q+2*(OH-1)+1,2)) for p in range(2) for q in range(2)]
    parts=[x[o] for o in offs]; top=np.maximum(np.maximum(parts[0],parts[1]),np.maximum(parts[2],parts[3]))
    masks=[p==top for p in parts]; g=rng.standard_normal(top.shape).astype(dt)
    def a():
        gr=np.zeros(x.shape,dt)
        for o,m in zip(offs,masks): np.copyto(gr[o],g,where=m)
        return gr
    def b():
        gr=np.zeros(x.shape,dt)
        for o,m in zip(offs,masks): np.multiply(g,m,out=gr[o])
        return gr
    def c():
        gr=np.zeros(x.shape,dt)
        for o,m in zip(offs,masks): gr[o]=np.where(m,g,0)
        return gr
    m6=np.stack(masks,-1).reshape(N,C,OH,OH,2,2).transpose(0,1,2,4,3,5)
    def d():
        gr=np.zeros(x.shape,dt); v=gr[:,:,:2*OH,:2*OH].reshape(N,C,OH,2,OH,2)
        np.multiply(g[:,:,:,None,:,None],m6,out=v); return gr
    def e():
        gr=np.zeros(x.shape,dt)
        for o,m in zip(offs,masks): gr[o][m]=g[m]
        return gr
    for name,f in zip("abcde",(a,b,c,d,e)):
        t=min(timeit.repeat(f,number=20,repeat=5))/20*1e3; print(dt.__name__, H, name, f"{t:.3f} ms")
    fm=[m.astype(dt) for m in masks]
    def f():
        gr=np.zeros(x.shape,dt)
        for o,m in zip(offs,fm): np.multiply(g,m,out=gr[o])
        return gr
    def h():
        gr=np.empty(x.shape,dt)
        for o,m in zip(offs,masks): np.multiply(g,m,out=gr[o])
        return gr
    for name,fn in (("f float masks",f),("h empty",h),("isfinite",lambda: np.isfinite(g).all())):
        t=min(timeit.repeat(fn,number=20,repeat=5))/20*1e3; print(dt.__name__, H, name, f"{t:.3f} ms")
