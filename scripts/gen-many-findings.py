#!/usr/bin/env python3
# One Deployment and N HPAs scaling it: the many-findings case of issue 22 (N = 96000: 36 MB,
# 384,004 findings). Usage: python3 scripts/gen-many-findings.py N > many.yaml
import sys
n = int(sys.argv[1])
out = ["""apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: web:1
"""]
for i in range(n):
    out.append(f"""---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web-{i}
  namespace: default
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 1
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
""")
sys.stdout.write("".join(out))
