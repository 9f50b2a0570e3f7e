"""Networks of the lecture (deck 000) as layer lists, each citing its source.

The torchvision-shaped presets (AlexNet's single tower, VGG, ResNet) follow the
architectures as torchvision defines them, so their parameter counts are the ones its
model documentation publishes (e.g. ResNet-50: 25,557,032). Where the deck's own figures
differ from the arithmetic, ``note`` says what the arithmetic gives and why.
"""

from __future__ import annotations

from typing import Any

Layers = list[dict[str, Any]]


def conv(out: int, k: int, s: int = 1, p: int = 0, *, bias: bool = True, groups: int = 1
         ) -> dict[str, Any]:
    layer: dict[str, Any] = {"type": "conv2d", "out_channels": out, "kernel_size": k}
    if s != 1:
        layer["stride"] = s
    if p:
        layer["padding"] = p
    if not bias:
        layer["bias"] = False
    if groups != 1:
        layer["groups"] = groups
    return layer


def relu() -> dict[str, Any]:
    return {"type": "relu"}


def bn() -> dict[str, Any]:
    return {"type": "batch_norm2d"}


def maxpool(k: int, s: int, p: int = 0) -> dict[str, Any]:
    layer: dict[str, Any] = {"type": "max_pool2d", "kernel_size": k, "stride": s}
    if p:
        layer["padding"] = p
    return layer


def linear(out: int) -> dict[str, Any]:
    return {"type": "linear", "out_features": out}


def lenet5() -> Layers:
    act = {"type": "tanh"}
    pool = {"type": "avg_pool2d", "kernel_size": 2}
    return [conv(6, 5), act, pool, conv(16, 5), act, pool, conv(120, 5), act,
            {"type": "flatten"}, linear(84), act, linear(10)]


def alexnet_paper() -> Layers:
    lrn = {"type": "local_response_norm", "size": 5, "alpha": 1e-4, "beta": 0.75, "k": 2.0}
    return [conv(96, 11, 4), relu(), lrn, maxpool(3, 2),
            conv(256, 5, 1, 2, groups=2), relu(), lrn, maxpool(3, 2),
            conv(384, 3, 1, 1), relu(), conv(384, 3, 1, 1, groups=2), relu(),
            conv(256, 3, 1, 1, groups=2), relu(), maxpool(3, 2), {"type": "flatten"},
            {"type": "dropout"}, linear(4096), relu(), {"type": "dropout"}, linear(4096),
            relu(), linear(1000)]


def alexnet_torchvision() -> Layers:
    return [conv(64, 11, 4, 2), relu(), maxpool(3, 2), conv(192, 5, 1, 2), relu(),
            maxpool(3, 2), conv(384, 3, 1, 1), relu(), conv(256, 3, 1, 1), relu(),
            conv(256, 3, 1, 1), relu(), maxpool(3, 2),
            {"type": "adaptive_avg_pool2d", "output_size": 6}, {"type": "flatten"},
            {"type": "dropout"}, linear(4096), relu(), {"type": "dropout"}, linear(4096),
            relu(), linear(1000)]


VGG_CONFIGS: dict[str, list[int | str]] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
}


def vgg(config: str) -> Layers:
    layers: Layers = []
    for item in VGG_CONFIGS[config]:
        layers += [maxpool(2, 2)] if item == "M" else [conv(int(item), 3, 1, 1), relu()]
    return [*layers, {"type": "adaptive_avg_pool2d", "output_size": 7}, {"type": "flatten"},
            linear(4096), relu(), {"type": "dropout"}, linear(4096), relu(),
            {"type": "dropout"}, linear(1000)]


def _basic(out: int, stride: int, project: bool) -> dict[str, Any]:
    body = [conv(out, 3, stride, 1, bias=False), bn(), relu(), conv(out, 3, 1, 1, bias=False),
            bn()]
    shortcut = [conv(out, 1, stride, bias=False), bn()] if project else []
    return {"type": "residual", "body": body, "shortcut": shortcut}


def _bottleneck(width: int, stride: int, project: bool) -> dict[str, Any]:
    # torchvision's ResNet v1.5: the stride is on the 3×3 convolution.
    body = [conv(width, 1, bias=False), bn(), relu(), conv(width, 3, stride, 1, bias=False),
            bn(), relu(), conv(4 * width, 1, bias=False), bn()]
    shortcut = [conv(4 * width, 1, stride, bias=False), bn()] if project else []
    return {"type": "residual", "body": body, "shortcut": shortcut}


def resnet(blocks: list[int], bottleneck: bool) -> Layers:
    layers: Layers = [conv(64, 7, 2, 3, bias=False), bn(), relu(), maxpool(3, 2, 1)]
    channels = 64
    for stage, count in enumerate(blocks):
        width = 64 * 2 ** stage
        for i in range(count):
            stride = 2 if stage > 0 and i == 0 else 1
            out = 4 * width if bottleneck else width
            project = i == 0 and (stride != 1 or channels != out)
            block = _bottleneck(width, stride, project) if bottleneck else \
                _basic(width, stride, project)
            layers += [block, relu()]
            channels = out
    return [*layers, {"type": "adaptive_avg_pool2d", "output_size": 1}, {"type": "flatten"},
            linear(1000)]


def mobilenet_v1() -> Layers:
    layers: Layers = [conv(32, 3, 2, 1, bias=False), bn(), relu()]
    channels = 32
    for out, stride in [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
                        (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2),
                        (1024, 1)]:
        layers += [conv(channels, 3, stride, 1, bias=False, groups=channels), bn(), relu(),
                   conv(out, 1, bias=False), bn(), relu()]
        channels = out
    return [*layers, {"type": "adaptive_avg_pool2d", "output_size": 1}, {"type": "flatten"},
            linear(1000)]


PRESETS: dict[str, dict[str, Any]] = {
    "lenet5": {
        "title": "LeNet-5", "input_shape": [1, 32, 32], "layers": lenet5(),
        "reference": "LeCun, Bottou, Bengio & Haffner, \"Gradient-based learning applied to "
                     "document recognition\", Proc. IEEE 86(11), 1998, Fig. 2 (deck 000)",
        "note": "As usually built today: every C3 map reads all six S2 maps, and S2 and S4 "
                "are plain 2×2 averages. The paper's C3 connects each of its 16 maps to a "
                "subset of S2's (60 of the 96 pairs: 1,516 parameters, here 2,416), its "
                "subsampling layers have a trainable coefficient and bias per map (12 and 32 "
                "parameters, none here) and its output is 84·10 = 840 RBF weights (here a "
                "linear layer of 850): the paper's total is 60,840, here 61,706."},
    "alexnet": {
        "title": "AlexNet (paper: 227×227, two GPUs)", "input_shape": [3, 227, 227],
        "layers": alexnet_paper(),
        "reference": "Krizhevsky, Sutskever & Hinton, \"ImageNet classification with deep "
                     "convolutional neural networks\", NeurIPS 2012, Fig. 2 (deck 000)",
        "note": "The paper's figure says 224×224, but 11×11 kernels at stride 4 fit a 224 "
                "input ⌊(224 − 11)/4⌋ + 1 = 54 times with a remainder; 227 gives the 55×55 "
                "maps the paper draws. Its caption's 253,440 neurons in the first layer are "
                "not 55·55·96 = 290,400 (the figure's own numbers disagree). The two GPUs "
                "split conv2, conv4 and conv5 into two groups (groups = 2 here). The deck's "
                "\"3.7M conv parameters, 1.08G conv operations\" count the layers without the "
                "split (one tower of the same widths): with groups, as trained, the arithmetic "
                "gives 2,334,080 conv parameters and 665,784,864 conv MACs; the 58.6M "
                "fully-connected parameters agree."},
    "alexnet-torchvision": {
        "title": "AlexNet (torchvision: 224×224, one tower)", "input_shape": [3, 224, 224],
        "layers": alexnet_torchvision(),
        "reference": "torchvision.models.alexnet (after Krizhevsky, \"One weird trick for "
                     "parallelizing convolutional neural networks\", 2014): 61,100,840 "
                     "parameters",
        "note": "torchvision's variant: 64, 192, 384, 256, 256 filters, padding 2 in the first "
                "layer so that 224 works, no LRN, no groups."},
    "vgg11": {
        "title": "VGG-11 (configuration A)", "input_shape": [3, 224, 224], "layers": vgg("A"),
        "reference": "Simonyan & Zisserman, \"Very deep convolutional networks for large-scale "
                     "image recognition\", ICLR 2015, Table 1 A; torchvision.models.vgg11: "
                     "132,863,336 parameters",
        "note": "Configuration A of the deck's table; its LRN variant (A-LRN) is not this."},
    "vgg16": {
        "title": "VGG-16 (configuration D)", "input_shape": [3, 224, 224], "layers": vgg("D"),
        "reference": "Simonyan & Zisserman, ICLR 2015, Table 1 D (deck 000); "
                     "torchvision.models.vgg16: 138,357,544 parameters",
        "note": ""},
    "resnet18": {
        "title": "ResNet-18", "input_shape": [3, 224, 224], "layers": resnet([2, 2, 2, 2], False),
        "reference": "He, Zhang, Ren & Sun, \"Deep residual learning for image recognition\", "
                     "CVPR 2016, Table 1 (deck 000); torchvision.models.resnet18: 11,689,512 "
                     "parameters",
        "note": "The paper's (and deck's) 1.8×10⁹ \"FLOPs\" are multiply-adds (MACs here)."},
    "resnet34": {
        "title": "ResNet-34", "input_shape": [3, 224, 224], "layers": resnet([3, 4, 6, 3], False),
        "reference": "He et al., CVPR 2016, Table 1 (deck 000); torchvision.models.resnet34: "
                     "21,797,672 parameters",
        "note": "The paper's (and deck's) 3.6×10⁹ \"FLOPs\" are multiply-adds (MACs here)."},
    "resnet50": {
        "title": "ResNet-50 (torchvision, v1.5)", "input_shape": [3, 224, 224],
        "layers": resnet([3, 4, 6, 3], True),
        "reference": "He et al., CVPR 2016, Table 1 (deck 000); torchvision.models.resnet50: "
                     "25,557,032 parameters",
        "note": "torchvision puts each stage's stride 2 on the 3×3 convolution (\"v1.5\"); the "
                "paper puts it on the first 1×1, which is why the deck's 3.8×10⁹ multiply-adds "
                "are below the 4.09×10⁹ here: the 3×3 then runs at the halved size."},
    "mobilenet-v1": {
        "title": "MobileNet v1 (1.0, 224)", "input_shape": [3, 224, 224],
        "layers": mobilenet_v1(),
        "reference": "Howard et al., \"MobileNets: efficient convolutional neural networks "
                     "for mobile vision applications\", 2017, Table 1: 4.2 M parameters, "
                     "569 M mult-adds",
        "note": "Each depthwise 3×3 + pointwise 1×1 pair is shown beside the full 3×3 "
                "convolution it replaces: 1/C_out + 1/9 of its multiply-adds. The paper's "
                "Table 1 writes the last depthwise layer as stride 2; it is stride 1 (the "
                "7×7 size is kept)."},
}


def preset(name: str) -> dict[str, Any]:
    """A preset by name, or KeyError."""
    return PRESETS[name]
