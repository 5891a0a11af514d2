"""LivePortrait's own orchestration on given 256x256 crops, with the weights of liveportrait_real.py: the oracle of
test/reenact-parity.test.ts.

The keypoint and image steps are the upstream LivePortraitWrapper's methods (get_kp_info, transform_keypoint,
stitching, retarget_eye, retarget_lip, warp_decode, parse_output) and utils/crop.py's paste_back; the per-frame motion
is live_portrait_pipeline.py's execute() for a driving video and a source image (lines 319-439 of the snapshot),
restated here because execute() also crops, detects and writes video.

Usage: python3 liveportrait_reference.py UPSTREAM REQUEST.json OUT_DIR
REQUEST: {seed, source: raw f32 [1,3,256,256] file, drivers: [files], sourceEyes: [l, r], sourceLip,
          drivingEyes: [c per frame], drivingLip: [c per frame], cases: [{name, relative, friendly, stitching, eye,
          lip, multiplier, images: [frame indices]}], pasteBack: {image: raw RGB uint8 file, width, height,
          M_c2o: 2x3 for the 512 crop, mask: mask_template.png, ownMask: raw uint8 HxW}}
OUT: result.json {x_s, cases: {name: {x_d: [[63] per frame]}}}, NAME-FRAME.f32 (warp_decode out, [1,3,512,512]) and
     NAME-FRAME.rgb (pasted back through the template, uint8 HxWx3), NAME-FRAME.own-mask.rgb (through ownMask).
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from liveportrait_real import build, import_upstream, wrapper_for  # noqa: E402


def main():
    upstream, request_path, out = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    torch.set_num_threads(2)
    import_upstream(upstream)
    import cv2
    from src.utils.camera import get_rotation_matrix
    from src.utils.crop import paste_back, prepare_paste_back
    from src.utils.helper import calc_motion_multiplier

    with open(request_path) as file:
        request = json.load(file)
    modules = build(upstream, request['seed'])

    wrapper = wrapper_for(modules)

    def crop(path):
        return torch.from_numpy(np.fromfile(path, dtype=np.float32).reshape(1, 3, 256, 256))

    source = crop(request['source'])
    x_s_info = wrapper.get_kp_info(source)
    x_c_s = x_s_info['kp']
    R_s = get_rotation_matrix(x_s_info['pitch'], x_s_info['yaw'], x_s_info['roll'])
    f_s = wrapper.extract_feature_3d(source)
    x_s = wrapper.transform_keypoint(x_s_info)
    drivers = []
    for path in request['drivers']:
        info = wrapper.get_kp_info(crop(path))
        info['R'] = get_rotation_matrix(info['pitch'], info['yaw'], info['roll'])
        drivers.append(info)

    paste = request.get('pasteBack')
    if paste:
        image = np.fromfile(paste['image'], dtype=np.uint8).reshape(paste['height'], paste['width'], 3)
        mask_crop = cv2.imread(paste['mask'], cv2.IMREAD_COLOR)
        M_c2o = np.array(paste['M_c2o'], dtype=np.float32)
        mask_ori = prepare_paste_back(mask_crop, M_c2o, dsize=(paste['width'], paste['height']))
        # Vivify's own mask (image space, uint8), to check the paste itself apart from the mask's shape
        own_mask = np.fromfile(paste['ownMask'], dtype=np.uint8).reshape(paste['height'], paste['width'], 1)
        own_mask = np.repeat(own_mask.astype(np.float32) / 255., 3, axis=2)

    result = {'x_s': x_s.flatten().tolist(), 'cases': {}}
    for case in request['cases']:
        x_ds = []
        for i, x_d_i_info in enumerate(drivers):
            R_d_i = x_d_i_info['R']
            if i == 0:
                R_d_0, x_d_0_info = R_d_i, x_d_i_info
            delta_new = x_s_info['exp'].clone()
            if case['relative']:
                R_new = (R_d_i @ R_d_0.permute(0, 2, 1)) @ R_s
                delta_new = x_s_info['exp'] + (x_d_i_info['exp'] - x_d_0_info['exp'])
                scale_new = x_s_info['scale'] * (x_d_i_info['scale'] / x_d_0_info['scale'])
                t_new = x_s_info['t'] + (x_d_i_info['t'] - x_d_0_info['t'])
            else:
                R_new = R_d_i
                for idx in [1, 2, 6, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]:
                    delta_new[:, idx, :] = x_d_i_info['exp'][:, idx, :]
                delta_new[:, 3:5, 1] = x_d_i_info['exp'][:, 3:5, 1]
                delta_new[:, 5, 2] = x_d_i_info['exp'][:, 5, 2]
                delta_new[:, 8, 2] = x_d_i_info['exp'][:, 8, 2]
                delta_new[:, 9, 1:] = x_d_i_info['exp'][:, 9, 1:]
                scale_new = x_s_info['scale']
                t_new = x_d_i_info['t'].clone()
            t_new[..., 2].fill_(0)
            x_d_i_new = scale_new * (x_c_s @ R_new + delta_new) + t_new
            if case['relative'] and case['friendly']:
                if i == 0:
                    x_d_0_new = x_d_i_new
                    motion_multiplier = calc_motion_multiplier(x_s, x_d_0_new)
                x_d_i_new = (x_d_i_new - x_d_0_new) * motion_multiplier + x_s
            if not case['eye'] and not case['lip']:
                if case['stitching']:
                    x_d_i_new = wrapper.stitching(x_s, x_d_i_new)
            else:
                eyes_delta = lip_delta = None
                if case['eye']:
                    ratio = torch.tensor([[*request['sourceEyes'], request['drivingEyes'][i]]], dtype=torch.float32)
                    eyes_delta = wrapper.retarget_eye(x_s, ratio)
                if case['lip']:
                    ratio = torch.tensor([[request['sourceLip'], request['drivingLip'][i]]], dtype=torch.float32)
                    lip_delta = wrapper.retarget_lip(x_s, ratio)
                base = x_s if case['relative'] else x_d_i_new
                x_d_i_new = base + (eyes_delta if eyes_delta is not None else 0) + (lip_delta if lip_delta is not None else 0)
                if case['stitching']:
                    x_d_i_new = wrapper.stitching(x_s, x_d_i_new)
            x_d_i_new = x_s + (x_d_i_new - x_s) * case['multiplier']
            x_ds.append(x_d_i_new.flatten().tolist())
            if i in case.get('images', []):
                generated = wrapper.warp_decode(f_s, x_s, x_d_i_new)['out']
                name = os.path.join(out, f"{case['name']}-{i}")
                generated.numpy().astype(np.float32).tofile(name + '.f32')
                if paste:
                    I_p_i = wrapper.parse_output(generated)[0]
                    paste_back(I_p_i, M_c2o, image, mask_ori).tofile(name + '.rgb')
                    paste_back(I_p_i, M_c2o, image, own_mask).tofile(name + '.own-mask.rgb')
        result['cases'][case['name']] = {'x_d': x_ds}
    with open(os.path.join(out, 'result.json'), 'w') as file:
        json.dump(result, file)


if __name__ == '__main__':
    main()
