import { useLocation } from 'wouter';
import { DesignerWorkspace } from '../designer/designer-workspace';
import { NewJobWizard } from './new-job-wizard';

/** `#/jobs/new`: the wizard, designing in the same workspace as the job page. */
export function NewJobPage() {
  const [, navigate] = useLocation();
  return (
    <NewJobWizard
      renderDesigner={({ yaml, onChange }) => (
        <DesignerWorkspace yaml={yaml} onChange={onChange} fileName="new-job.yaml" />
      )}
      onCreated={(id) => navigate(`/jobs/${id}`)}
      onCancel={() => navigate('/jobs')}
    />
  );
}
