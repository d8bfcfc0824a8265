"""What tools/bench records about the machine it ran on: CPU, cores, memory, kernel,
FFmpeg, the vsample commit, and the Vulkan devices (to tell lavapipe from a GPU)."""
import ctypes
import os
import platform
import subprocess


def _first_line(cmd, cwd=None):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=30).stdout
        return out.splitlines()[0].strip() if out.strip() else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gib():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / (1024 * 1024)
    except OSError:
        pass
    return 0.0


def describe(repo):
    """A list of (label, value) lines."""
    commit = _first_line(["git", "rev-parse", "--short", "HEAD"], cwd=repo)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo,
                           capture_output=True, text=True).stdout.strip()
    return [
        ("CPU", cpu_model()),
        ("cores", str(os.cpu_count())),
        ("memory", f"{memory_gib():.1f} GiB"),
        ("kernel", f"{platform.system()} {platform.release()}"),
        ("FFmpeg", _first_line(["ffmpeg", "-version"]).split(" Copyright")[0]),
        ("Python (peers)", _first_line(["/usr/bin/python3", "-c", PEER_VERSIONS])),
        ("vsample commit", commit + (" (with uncommitted changes)" if dirty else "")),
    ]


PEER_VERSIONS = """
import sys, numpy
def v(m):
    try:
        return __import__(m).__version__
    except Exception:
        return "missing"
print(f"{sys.version.split()[0]}, numpy {numpy.__version__}, PyAV {v('av')}, PIL {v('PIL')}, "
      f"OpenCV {v('cv2')}")
"""

_DEVICE_TYPES = {0: "other", 1: "integrated GPU", 2: "discrete GPU", 3: "virtual GPU",
                 4: "software (CPU)"}


class _InstanceCreateInfo(ctypes.Structure):
    _fields_ = [("sType", ctypes.c_uint32), ("pNext", ctypes.c_void_p), ("flags", ctypes.c_uint32),
                ("pApplicationInfo", ctypes.c_void_p), ("enabledLayerCount", ctypes.c_uint32),
                ("ppEnabledLayerNames", ctypes.c_void_p), ("enabledExtensionCount", ctypes.c_uint32),
                ("ppEnabledExtensionNames", ctypes.c_void_p)]


def vulkan_devices():
    """[(name, type)] of the Vulkan physical devices in the loader's order (vk_bench uses
    device 0), or None when there is no Vulkan loader. Asks libvulkan directly, so no
    vulkan-tools package is needed."""
    try:
        vk = ctypes.CDLL("libvulkan.so.1")
    except OSError:
        return None
    info = _InstanceCreateInfo(sType=1)  # VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO
    instance = ctypes.c_void_p()
    if vk.vkCreateInstance(ctypes.byref(info), None, ctypes.byref(instance)) != 0:
        return []
    devices = []
    try:
        count = ctypes.c_uint32(0)
        vk.vkEnumeratePhysicalDevices(instance, ctypes.byref(count), None)
        handles = (ctypes.c_void_p * count.value)()
        vk.vkEnumeratePhysicalDevices(instance, ctypes.byref(count), handles)
        for h in handles[:count.value]:
            # VkPhysicalDeviceProperties: 5 uint32 (api, driver, vendor, device ids, type),
            # then deviceName[256]; the limits after it are not read (the buffer covers them).
            props = ctypes.create_string_buffer(4096)
            vk.vkGetPhysicalDeviceProperties(ctypes.c_void_p(h), props)
            kind = int.from_bytes(props.raw[16:20], "little")
            name = props.raw[20:276].split(b"\0", 1)[0].decode(errors="replace")
            devices.append((name, _DEVICE_TYPES.get(kind, str(kind))))
    finally:
        vk.vkDestroyInstance(instance, None)
    return devices
