import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Where SwiftShader (Vulkan on the CPU) can be found: Chromium ships it with its own Vulkan loader. Pointing Dawn
 * at it gives a machine without a GPU a WebGPU adapter, so the GPU code path can be tested in CI.
 */
const CANDIDATES = ['/usr/lib/chromium', '/usr/lib64/chromium', '/usr/lib/chromium-browser', '/opt/google/chrome'];

/**
 * The environment a child process needs to see SwiftShader (the loader's folder first on LD_LIBRARY_PATH, the ICD
 * file), or null with the reason where no Chromium with SwiftShader is installed. LD_LIBRARY_PATH is read when a
 * process starts, so this is for spawning one (the test runner), not for the running process.
 */
export function swiftshaderEnv(env: NodeJS.ProcessEnv = process.env): { env: Record<string, string> } | { error: string } {
  for (const dir of CANDIDATES) {
    const icd = path.join(dir, 'vk_swiftshader_icd.json');
    if (!fs.existsSync(icd) || !fs.existsSync(path.join(dir, 'libvulkan.so.1'))) continue;
    const ld = [dir, ...(env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d && d !== dir)].join(':');
    return { env: { LD_LIBRARY_PATH: ld, VK_ICD_FILENAMES: icd } };
  }
  return { error: `no SwiftShader Vulkan driver found (looked for vk_swiftshader_icd.json and libvulkan.so.1 in ${CANDIDATES.join(', ')}); on Debian or Ubuntu, apt-get install chromium` };
}

/**
 * A hardware Vulkan driver's manifest in the loader's standard folders (software ones — SwiftShader, Mesa's
 * lavapipe — do not count), or null. Where one exists the webgpu tests run on that GPU instead of SwiftShader.
 */
export function hardwareVulkanDriver(): string | null {
  for (const dir of ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d']) {
    if (!fs.existsSync(dir)) continue;
    const found = fs.readdirSync(dir).find((f) => f.endsWith('.json') && !/swiftshader|lvp|lavapipe/i.test(f));
    if (found) return path.join(dir, found);
  }
  return null;
}
