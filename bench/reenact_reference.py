"""The reference side of the real-architecture reenact benchmark (bench/reenact-real.ts): LivePortrait's own PyTorch
modules and wrapper methods, with the seeded weights of test/support/liveportrait_real.py (the ONNX files Vivify
times are exported from the same build), timed one call at a time so that the two sides can run interleaved.

  python3 reenact_reference.py serve UPSTREAM REQUEST.json
      REQUEST: {seed, threads, source: raw f32 [1,3,256,256], drivers: [files], sourceEyes: [l, r], sourceLip,
                drivingEyes, drivingLip}
      then one JSON command a line on stdin, one JSON answer a line on stdout:
        {"op": "module", "name": F|M|W|G|WG|S|R_eye|R_lip}  -> {"ms"}   one forward on fixed inputs
        {"op": "frame", "index": i, "out": path?}           -> {"ms", "x_d"}   driver i through the pipeline's steps
        {"op": "threads", "n": k}                           -> {}       torch.set_num_threads(k)

The frame is the path of live_portrait_pipeline.py's execute() for a source image with relative motion,
expression-friendly scaling, eye and lip retargeting and stitching (the reference restated as in
test/support/liveportrait_reference.py, whose crops, detection and video writing are left out on both sides).
"""
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'support'))
from liveportrait_real import build, import_upstream, wrapper_for  # noqa: E402


def serve(upstream, request):
    torch.set_num_threads(request['threads'])
    import_upstream(upstream)
    from src.utils.camera import get_rotation_matrix
    from src.utils.helper import calc_motion_multiplier

    modules = build(upstream, request['seed'])
    wrapper = wrapper_for(modules)

    def crop(path):
        return torch.from_numpy(np.fromfile(path, dtype=np.float32).reshape(1, 3, 256, 256))

    def info_of(img):
        info = wrapper.get_kp_info(img)
        info['R'] = get_rotation_matrix(info['pitch'], info['yaw'], info['roll'])
        return info

    with torch.no_grad():
        source = crop(request['source'])
        drivers = [crop(path) for path in request['drivers']]
        s_info = info_of(source)
        f_s = wrapper.extract_feature_3d(source)
        x_s = wrapper.transform_keypoint(s_info)
        first = info_of(drivers[0])

        def driven(d_info):
            R_new = (d_info['R'] @ first['R'].permute(0, 2, 1)) @ s_info['R']
            delta_new = s_info['exp'] + (d_info['exp'] - first['exp'])
            scale_new = s_info['scale'] * (d_info['scale'] / first['scale'])
            t_new = s_info['t'] + (d_info['t'] - first['t'])
            t_new[..., 2].fill_(0)
            return scale_new * (s_info['kp'] @ R_new + delta_new) + t_new

        x_d_0 = driven(first)
        multiplier = calc_motion_multiplier(x_s, x_d_0)
        # Fixed inputs of the per-module timings: what the pipeline feeds each module.
        x_d = x_s + 0.01
        feature = modules['W'](f_s, kp_driving=x_d, kp_source=x_s)['out']
        fixed = {
            'F': lambda: modules['F'](source),
            'M': lambda: modules['M'](source),
            'W': lambda: modules['W'](f_s, kp_driving=x_d, kp_source=x_s),
            'G': lambda: modules['G'](feature=feature),
            'WG': lambda: wrapper.warp_decode(f_s, x_s, x_d),
            'S': lambda: modules['S'](torch.rand(1, 126)),
            'R_eye': lambda: modules['R_eye'](torch.rand(1, 66)),
            'R_lip': lambda: modules['R_lip'](torch.rand(1, 65)),
        }

        def frame(index):
            i = index % len(drivers)
            x = driven(info_of(drivers[i]))
            x = (x - x_d_0) * multiplier + x_s
            eyes = torch.tensor([[*request['sourceEyes'], request['drivingEyes'][i]]], dtype=torch.float32)
            lip = torch.tensor([[request['sourceLip'], request['drivingLip'][i]]], dtype=torch.float32)
            # relative motion with retargeting: the corrections are added to the painting's own keypoints
            x = x_s + wrapper.retarget_eye(x_s, eyes) + wrapper.retarget_lip(x_s, lip)
            x = wrapper.stitching(x_s, x)
            return x, wrapper.warp_decode(f_s, x_s, x)['out']

        for line in sys.stdin:
            command = json.loads(line)
            answer = {}
            if command['op'] == 'threads':
                torch.set_num_threads(command['n'])
            elif command['op'] == 'module':
                start = time.perf_counter()
                fixed[command['name']]()
                answer['ms'] = (time.perf_counter() - start) * 1000
            elif command['op'] == 'frame':
                start = time.perf_counter()
                x, out = frame(command['index'])
                answer['ms'] = (time.perf_counter() - start) * 1000
                answer['x_d'] = x.flatten().tolist()
                if command.get('out'):
                    out.numpy().astype(np.float32).tofile(command['out'])
            print(json.dumps(answer), flush=True)


def main():
    command, upstream = sys.argv[1], os.path.abspath(sys.argv[2])
    if command == 'serve':
        with open(sys.argv[3]) as file:
            serve(upstream, json.load(file))
    else:
        raise SystemExit(f'unknown command {command}')


if __name__ == '__main__':
    main()
