// Renders an OFD with ofd.js (0.2.6, the open-source one) in headless Chromium, one binary PPM
// per page, for tests/test_ofd.py: a reader that nobody here wrote.
//
//   node tools/ofd/render.js IN.ofd OUTDIR DPI [CHROMIUM]
//
// Writes OUTDIR/page-N.ppm (N from 1) at DPI and prints one line of JSON: the page count and,
// per page, what ofd.js made of it (text elements, their characters).
//
// Two things ofd.js 0.2.6 cannot do are done for it, and nothing else:
// - it draws text with the fonts the browser has, by family name, and never loads the
//   embedded ones: the package's own font files (Doc_0/Res/font_N.*) are given to Chromium as
//   web fonts under a name per Font ID (Chromium's font sanitizer checks them on the way);
// - it sizes images right only at its scale of 1 / 0.2642 px per mm (96 dpi): the pages are
//   laid out at that scale and the device pixel ratio brings them to DPI.
'use strict';
const fs = require('fs');
const path = require('path');
const JSZip = require('jszip');
const { chromium } = require('playwright-core');

const MM_PX = 1 / 0.2642;

async function main() {
    const [input, outdir, dpiArg, exe] = process.argv.slice(2);
    if (!input || !outdir || !dpiArg) {
        console.error('usage: node render.js IN.ofd OUTDIR DPI [CHROMIUM]');
        process.exit(2);
    }
    const dpi = Number(dpiArg);
    const bytes = fs.readFileSync(input);
    const zip = await JSZip.loadAsync(bytes);
    const fonts = {};
    const res = zip.file('Doc_0/PublicRes.xml');
    if (res) {
        const xml = await res.async('string');
        const re = /<ofd:Font\b[^>]*\bID="(\d+)"[^>]*>\s*<ofd:FontFile>([^<]+)<\/ofd:FontFile>/g;
        for (let m; (m = re.exec(xml));) {
            const file = zip.file('Doc_0/Res/' + m[2]);
            if (file)
                fonts[m[1]] = (await file.async('nodebuffer')).toString('base64');
        }
    }
    const browser = await chromium.launch({
        executablePath: exe || '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
               '--disable-background-networking', '--disable-component-update', '--disable-sync',
               '--font-render-hinting=none'],
    });
    try {
        const page = await browser.newPage({
            deviceScaleFactor: dpi / 25.4 / MM_PX,
            viewport: { width: 1000, height: 1200 },
        });
        const errors = [];
        page.on('pageerror', e => errors.push(String(e)));
        await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head>' +
                              '<body style="margin:0;background:#fff"><div id="pages"></div></body></html>');
        await page.addScriptTag({ path: require.resolve('ofd.js/lib/ofd.umd.min.js') });
        const info = await page.evaluate(async ({ b64, fonts, scale }) => {
            const faces = [];
            for (const id of Object.keys(fonts)) {
                const data = Uint8Array.from(atob(fonts[id]), c => c.charCodeAt(0));
                // The weight range keeps Chromium from making a bold of its own.
                const face = new FontFace('gw-font-' + id, data, { weight: '1 1000' });
                await face.load();
                document.fonts.add(face);
                faces.push(id);
            }
            const buf = Uint8Array.from(atob(b64), c => c.charCodeAt(0)).buffer;
            const docs = await new Promise((resolve, reject) => ofd.parseOfdDocument({
                ofd: buf, success: resolve, fail: reject }));
            const doc = docs[0];
            for (const id of faces)
                doc.fontResObj[id] = 'gw-font-' + id;
            ofd.setPageScale(scale);
            const divs = ofd.renderOfdByScale(doc);
            const root = document.getElementById('pages');
            for (const d of divs) {
                d.style.marginBottom = '0';
                root.appendChild(d);
            }
            await document.fonts.ready;
            await new Promise(r => setTimeout(r, 200));
            return {
                pages: divs.length,
                fonts: faces.length,
                text: divs.map(d => Array.from(d.querySelectorAll('text')).map(t => t.textContent).join('')),
            };
        }, { b64: bytes.toString('base64'), fonts, scale: MM_PX });
        fs.mkdirSync(outdir, { recursive: true });
        for (let i = 0; i < info.pages; i++) {
            // Each page alone at the top left: no page starts between device pixels.
            await page.evaluate(i => {
                const root = document.getElementById('pages');
                if (!window.gwPages)
                    window.gwPages = Array.from(root.children);
                root.replaceChildren(window.gwPages[i]);
            }, i);
            const png = await (await page.$('#pages > div')).screenshot({ type: 'png' });
            // Chromium decodes its own PNG: the test reads raw pixels with no image library.
            const raw = await page.evaluate(async b64 => {
                const blob = await (await fetch('data:image/png;base64,' + b64)).blob();
                const bmp = await createImageBitmap(blob);
                const c = new OffscreenCanvas(bmp.width, bmp.height);
                const ctx = c.getContext('2d');
                ctx.drawImage(bmp, 0, 0);
                const px = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
                const rgb = new Uint8Array(bmp.width * bmp.height * 3);
                for (let j = 0, k = 0; j < px.length; j += 4) {
                    rgb[k++] = px[j]; rgb[k++] = px[j + 1]; rgb[k++] = px[j + 2];
                }
                let s = '';
                for (let j = 0; j < rgb.length; j += 0x8000)
                    s += String.fromCharCode.apply(null, rgb.subarray(j, j + 0x8000));
                return { w: bmp.width, h: bmp.height, data: btoa(s) };
            }, png.toString('base64'));
            const head = Buffer.from(`P6\n${raw.w} ${raw.h}\n255\n`);
            fs.writeFileSync(path.join(outdir, `page-${i + 1}.ppm`),
                             Buffer.concat([head, Buffer.from(raw.data, 'base64')]));
        }
        info.errors = errors;
        console.log(JSON.stringify(info));
    } finally {
        await browser.close();
    }
}

main().catch(e => {
    console.error('render.js: ' + (e && e.stack || e));
    process.exit(1);
});
