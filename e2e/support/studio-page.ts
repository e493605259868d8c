import type { Page } from 'playwright-core';

const STATUS_TIMEOUT_MS = 60_000;

/** The studio as a user drives it: one method per thing they do, selectors kept here. */
export class StudioPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async openJobs(): Promise<void> {
    await this.page.goto(`${this.baseUrl}/#/jobs`);
    await this.page.getByTestId('jobs-page').waitFor();
    // Loaded: either a job row or the empty state, not the loading line.
    await this.page.locator('[data-testid="job-row"], [data-testid="jobs-empty"]').first().waitFor();
  }

  /** New job → pick the example → name it → create (the wizard's quick way); lands on the job page. */
  async createJobFromExample(example: string, name: string): Promise<void> {
    await this.page.getByTestId('new-job').click();
    const dialog = this.page.getByTestId('new-job-wizard');
    await dialog.waitFor();
    await dialog
      .locator(`[data-testid="new-job-template"] option[value="${example}"]`)
      .waitFor({ state: 'attached' });
    await dialog.getByTestId('new-job-template').selectOption(example);
    await dialog.getByTestId('new-job-name').fill(name);
    await dialog.getByTestId('new-job-create').click();
    await this.page.getByTestId('job-page').waitFor();
  }

  /** Opens a job from the list by its name. */
  async openJob(name: string): Promise<void> {
    await this.openJobs();
    await this.page
      .locator(`[data-testid="job-row"][data-job-name="${name}"] [data-testid="job-open"]`)
      .click();
    await this.page.getByTestId('job-page').waitFor();
  }

  async jobName(): Promise<string> {
    return (await this.page.getByTestId('job-name').textContent()) ?? '';
  }

  /** The flow graph's nodes as `kind:type`, in document order. */
  async flowNodes(): Promise<string[]> {
    const nodes = this.page.getByTestId('flow-node');
    await nodes.first().waitFor();
    return nodes.evaluateAll((elements) =>
      elements.map((element) => {
        const kind = element.getAttribute('data-node-kind');
        const type = element.querySelector('.flow-node-type')?.textContent ?? '';
        return `${kind}:${type}`;
      }),
    );
  }

  /** Shows one of the job page's lower tabs (progress, history, lifecycle, …). */
  async showTab(name: string): Promise<void> {
    await this.page.getByTestId(`job-tab-${name}`).click();
  }

  async run(): Promise<void> {
    await this.page.getByTestId('job-run').click();
  }

  /** Waits until the job page's status badge shows `status` (by its data attribute, whatever the language). */
  async waitForStatus(status: string): Promise<void> {
    await this.page
      .locator(`[data-testid="job-status"][data-status="${status}"]`)
      .waitFor({ timeout: STATUS_TIMEOUT_MS });
  }

  async statusText(): Promise<string> {
    return (await this.page.getByTestId('job-status').textContent()) ?? '';
  }

  /** The newest run in the history, once it has `status`: its status and written count. */
  async latestExecution(status: string): Promise<{ status: string; written: number }> {
    await this.showTab('history');
    const row = this.page.getByTestId('execution-row').first();
    await row
      .locator(`[data-testid="execution-status"][data-status="${status}"]`)
      .waitFor({ timeout: STATUS_TIMEOUT_MS });
    const written = (await row.getByTestId('execution-written').textContent()) ?? '';
    return { status, written: Number(written.replace(/[^\d]/g, '')) };
  }

  /**
   * Replaces the whole YAML in the editor by pasting it, as a user would: typed text gets
   * Monaco's auto-indent, pasted text does not. Needs the clipboard permissions.
   */
  async replaceYaml(text: string): Promise<void> {
    // Runs in the page; the e2e code is compiled without the DOM library, hence the cast.
    type PageGlobals = { navigator: { clipboard: { writeText(value: string): Promise<void> } } };
    await this.page.evaluate(
      (value) => (globalThis as unknown as PageGlobals).navigator.clipboard.writeText(value),
      text,
    );
    // A hover left open over the editor would take the click: move away until it closes.
    await this.page.mouse.move(0, 0);
    await this.page
      .locator('.monaco-hover:not(.hidden)')
      .waitFor({ state: 'detached', timeout: 2000 })
      .catch(() => undefined);
    await this.page.locator('[data-testid="yaml-editor"] .view-lines').click();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.press('ControlOrMeta+V');
  }

  /** Whether every flow node lies inside the graph's panel (the view fits the graph). */
  async flowFits(): Promise<boolean> {
    const panel = await this.page.getByTestId('flow-graph').boundingBox();
    const nodes = await this.page.getByTestId('flow-node').evaluateAll((elements) =>
      elements.map((element) => {
        const { left, right, top, bottom } = element.getBoundingClientRect();
        return { left, right, top, bottom };
      }),
    );
    if (!panel || nodes.length === 0) return false;
    return nodes.every(
      (n) =>
        n.left >= panel.x &&
        n.right <= panel.x + panel.width &&
        n.top >= panel.y &&
        n.bottom <= panel.y + panel.height,
    );
  }

  async switchLanguage(code: 'en' | 'zh-CN'): Promise<void> {
    await this.page.getByTestId('language-switch').selectOption(code);
    await this.page.locator(`html[lang="${code}"]`).waitFor({ state: 'attached' });
  }

  async text(testId: string): Promise<string> {
    return ((await this.page.getByTestId(testId).first().textContent()) ?? '').trim();
  }
}
